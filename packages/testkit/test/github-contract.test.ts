import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ContractViolation, loadContract } from '../src/github/index.js';
import { freshRepo, SHA, useGitHub } from './support/github.js';

const { github, octokit } = useGitHub();
const require = createRequire(import.meta.url);

/** Takes the violations the emulator recorded, so the file's afterEach does not fail on purpose-made ones. */
function takeViolations(): ContractViolation[] {
  return github().control.violations.splice(0) as ContractViolation[];
}

describe('contract checking', () => {
  it('a request that breaks the contract is refused, naming the operation and the field', async () => {
    const { owner, repo } = freshRepo(github());
    await expect(
      octokit().request('POST /repos/{owner}/{repo}/statuses/{sha}', {
        owner,
        repo,
        sha: SHA.a,
        state: 'locked' as 'pending',
      }),
    ).rejects.toMatchObject({ status: 422, message: expect.stringContaining('/requestBody/state') });
    const [violation] = takeViolations();
    expect(violation).toBeInstanceOf(ContractViolation);
    expect(violation?.direction).toBe('request');
    expect(violation?.operation).toBe('repos/create-commit-status');
    expect(violation?.message).toContain('/requestBody/state must be equal to one of the allowed values');
  });

  it('a response corrupted on purpose is caught, naming the operation and the field', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.inject({
      repo: full,
      operation: 'repos/create-commit-status',
      kind: 'corrupt-response',
      corrupt: (body) => ({ ...(body as object), url: undefined, id: 'one' }),
    });
    await expect(
      octokit().rest.repos.createCommitStatus({ owner, repo, sha: SHA.a, state: 'pending', context: 'release' }),
    ).rejects.toMatchObject({ status: 500 });
    const [violation] = takeViolations();
    expect(violation?.direction).toBe('response');
    expect(violation?.operation).toBe('repos/create-commit-status (201)');
    expect(violation?.message).toMatch(/missing 'url'/);
    expect(violation?.message).toMatch(/\/id must be integer/);
  });

  it('a path the emulator does not serve is a violation, not a silent 404', async () => {
    const { owner, repo } = freshRepo(github());
    await expect(octokit().request('GET /repos/{owner}/{repo}/branches', { owner, repo })).rejects.toMatchObject({
      status: 404,
    });
    expect(takeViolations()[0]?.message).toContain('GET /repos/weaveworks');
  });

  it('validates every request and every response it serves', async () => {
    const { owner, repo, full } = freshRepo(github());
    const before = { ...github().control.counters };
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    const api = octokit();
    await api.rest.pulls.get({ owner, repo, pull_number: n });
    await api.rest.repos.createCommitStatus({ owner, repo, sha: SHA.a, state: 'pending', context: 'release' });
    await api.rest.issues.createComment({ owner, repo, issue_number: n, body: 'timeline' });
    await expect(api.rest.pulls.merge({ owner, repo, pull_number: n, sha: SHA.b })).rejects.toMatchObject({
      status: 409,
    });
    const after = github().control.counters;
    expect(after.requests - before.requests).toBe(4);
    expect(after.requestValidations - before.requestValidations).toBe(4);
    expect(after.responseValidations - before.responseValidations).toBe(4);
  });

  it('the extract holds exactly the operations listed in source.json, and each is served', async () => {
    const source = JSON.parse(readFileSync(new URL('../contract/source.json', import.meta.url), 'utf8')) as {
      operations: string[];
    };
    const contract = await loadContract();
    expect([...contract.operationIds].sort()).toEqual([...source.operations].sort());
  });
});

describe('recorded GitHub responses (@octokit/fixtures)', () => {
  const scenario = (name: string) =>
    require(`@octokit/fixtures/scenarios/api.github.com/${name}/normalized-fixture.json`) as {
      method: string;
      path: string;
      status: number;
      response: unknown;
    }[];

  /** Keys of an object, and of the first element of arrays, recursively: the "shape" clients parse. */
  function shape(value: unknown, prefix = ''): string[] {
    if (Array.isArray(value)) return value.length > 0 ? shape(value[0], `${prefix}[]`) : [];
    if (!value || typeof value !== 'object') return [];
    return Object.entries(value).flatMap(([key, child]) => [`${prefix}${key}`, ...shape(child, `${prefix}${key}.`)]);
  }

  it('genuine responses pass the same contract checks as the emulator’s', async () => {
    const contract = await loadContract();
    const recorded = [...scenario('create-status'), ...scenario('add-labels-to-issue').slice(1)];
    for (const record of recorded) {
      const operation = contract.match(record.method, record.path);
      expect(operation, `${record.method} ${record.path}`).toBeDefined();
      if (operation) expect(contract.checkResponse(operation, record.status, record.response)).toEqual([]);
    }
  });

  it('the emulator answers in the shapes GitHub recorded', async () => {
    const { owner, repo, full } = freshRepo(github());
    const [created, , listed, combined] = scenario('create-status');
    const api = octokit();
    const ours = await api.rest.repos.createCommitStatus({
      owner,
      repo,
      sha: SHA.a,
      state: 'failure',
      target_url: 'https://example.com',
      description: 'x',
      context: 'default',
    });
    const ourList = await api.rest.repos.listCommitStatusesForRef({ owner, repo, ref: SHA.a });
    const ourCombined = await api.rest.repos.getCombinedStatusForRef({ owner, repo, ref: SHA.a });
    const missing = (theirs: unknown, mine: unknown) => shape(theirs).filter((key) => !shape(mine).includes(key));
    // Fields GitHub has added since the fixtures were recorded may be extra; none of theirs may be missing.
    expect(missing(created?.response, ours.data)).toEqual([]);
    expect(missing(listed?.response, ourList.data)).toEqual([]);
    expect(missing(combined?.response, ourCombined.data).filter((k) => !k.startsWith('repository.'))).toEqual([]);
    const n = github().control.openPullRequest(full, { head: { ref: 'x', sha: SHA.a } });
    const labels = await api.rest.issues.addLabels({ owner, repo, issue_number: n, labels: ['Foo', 'bar'] });
    expect(missing(scenario('add-labels-to-issue')[1]?.response, labels.data)).toEqual([]);
  });

  it('error bodies have GitHub’s shape', async () => {
    const [recorded] = scenario('errors');
    const { owner, repo } = freshRepo(github());
    const error = await octokit()
      .rest.pulls.get({ owner, repo, pull_number: 404 })
      .catch((e: { response: { data: unknown } }) => e.response.data);
    expect(Object.keys(recorded?.response as object)).toEqual(expect.arrayContaining(['message', 'documentation_url']));
    expect(Object.keys(error as object)).toEqual(expect.arrayContaining(['message', 'documentation_url']));
  });
});

describe('the seed’s scenario through raw API calls', () => {
  it('a release PR whose release context is pending cannot be merged; after success it can; a stale SHA gets 409', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.protectBranch(full, 'main', { requiredContexts: ['build', 'release'] });
    const n = github().control.openPullRequest(full, { head: { ref: 'releases/v0.30', sha: SHA.a } });
    const api = octokit();
    await api.rest.repos.createCommitStatus({ owner, repo, sha: SHA.a, state: 'success', context: 'build' });
    await api.rest.repos.createCommitStatus({
      owner,
      repo,
      sha: SHA.a,
      state: 'pending',
      context: 'release',
      description: 'Pending — execute release to pass',
    });
    await expect(api.rest.pulls.merge({ owner, repo, pull_number: n })).rejects.toMatchObject({ status: 405 });
    await api.rest.repos.createCommitStatus({ owner, repo, sha: SHA.a, state: 'success', context: 'release' });
    await expect(api.rest.pulls.merge({ owner, repo, pull_number: n, sha: SHA.b })).rejects.toMatchObject({
      status: 409,
    });
    const merged = await api.rest.pulls.merge({ owner, repo, pull_number: n, sha: SHA.a });
    expect(merged.data).toMatchObject({ merged: true, message: 'Pull Request successfully merged' });
  });
});
