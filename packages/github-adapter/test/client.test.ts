import { type GitHubEmulator, startGitHub } from '@release-guard/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOctokit } from '../src/index.js';

let github: GitHubEmulator;
beforeAll(async () => {
  github = await startGitHub();
});
afterAll(async () => {
  await github.close();
});

const SHA = 'a'.repeat(40);
let n = 0;
function setup() {
  n++;
  const repo = `client-${n}`;
  return { repo, full: github.control.createRepository({ owner: 'weaveworks', name: repo }) };
}

describe('createOctokit', () => {
  it('retries a 5xx, then succeeds', async () => {
    const { repo, full } = setup();
    github.control.inject({ repo: full, operation: 'pulls/list', kind: 'server-error', times: 2 });
    const octokit = createOctokit({ token: 't', baseUrl: github.url, throttle: false, retryBaseMs: 10 });
    await expect(octokit.rest.pulls.list({ owner: 'weaveworks', repo })).resolves.toMatchObject({ status: 200 });
    expect(github.control.requests(full).map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it('never retries a refused merge: 405 and 409 are answers', async () => {
    const { repo, full } = setup();
    const number = github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA } });
    github.control.protectBranch(full, 'main', { requiredContexts: ['release'] });
    const octokit = createOctokit({ token: 't', baseUrl: github.url, throttle: false });
    await expect(octokit.rest.pulls.merge({ owner: 'weaveworks', repo, pull_number: number })).rejects.toMatchObject({
      status: 405,
    });
    await expect(
      octokit.rest.pulls.merge({ owner: 'weaveworks', repo, pull_number: number, sha: 'b'.repeat(40) }),
    ).rejects.toMatchObject({ status: 409 });
    expect(github.control.requests(full).map((r) => r.status)).toEqual([405, 409]);
  });

  it('waits out a secondary rate limit (retry-after) and tries again', async () => {
    const { repo, full } = setup();
    github.control.inject({ repo: full, kind: 'secondary-rate-limit', retryAfter: 1 });
    const octokit = createOctokit({ token: 't', baseUrl: github.url });
    const began = performance.now();
    await expect(octokit.rest.pulls.list({ owner: 'weaveworks', repo })).resolves.toMatchObject({ status: 200 });
    expect(performance.now() - began).toBeGreaterThanOrEqual(900);
    expect(github.control.requests(full).map((r) => r.status)).toEqual([403, 200]);
  });
});
