import { describe, expect, it } from 'vitest';
import { createOctokit } from '../src/index.js';
import { guardRepository, SHA, useEmulators } from './support/emulators.js';

const emulators = useEmulators();

function setup(): { repo: string; full: string } {
  const { name, full } = guardRepository(emulators.github);
  return { repo: name, full };
}

describe('createOctokit', () => {
  it('retries a 5xx, then succeeds', async () => {
    const { repo, full } = setup();
    emulators.github.control.inject({ repo: full, operation: 'pulls/list', kind: 'server-error', times: 2 });
    const octokit = createOctokit({ token: 't', baseUrl: emulators.github.url, throttle: false, retryBaseMs: 10 });
    await expect(octokit.rest.pulls.list({ owner: 'weaveworks', repo })).resolves.toMatchObject({ status: 200 });
    expect(emulators.github.control.requests(full).map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it('never retries a refused merge: 405 and 409 are answers', async () => {
    const { repo, full } = setup();
    const number = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    emulators.github.control.protectBranch(full, 'main', { requiredContexts: ['release'] });
    const octokit = createOctokit({ token: 't', baseUrl: emulators.github.url, throttle: false });
    await expect(octokit.rest.pulls.merge({ owner: 'weaveworks', repo, pull_number: number })).rejects.toMatchObject({
      status: 405,
    });
    await expect(
      octokit.rest.pulls.merge({ owner: 'weaveworks', repo, pull_number: number, sha: 'b'.repeat(40) }),
    ).rejects.toMatchObject({ status: 409 });
    expect(emulators.github.control.requests(full).map((r) => r.status)).toEqual([405, 409]);
  });

  it('waits out a secondary rate limit (retry-after) and tries again', async () => {
    const { repo, full } = setup();
    emulators.github.control.inject({ repo: full, kind: 'secondary-rate-limit', retryAfter: 1 });
    const octokit = createOctokit({ token: 't', baseUrl: emulators.github.url });
    const began = performance.now();
    await expect(octokit.rest.pulls.list({ owner: 'weaveworks', repo })).resolves.toMatchObject({ status: 200 });
    expect(performance.now() - began).toBeGreaterThanOrEqual(900);
    expect(emulators.github.control.requests(full).map((r) => r.status)).toEqual([403, 200]);
  });
});
