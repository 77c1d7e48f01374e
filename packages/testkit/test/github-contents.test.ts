import { describe, expect, it } from 'vitest';
import type { ContractViolation } from '../src/github/index.js';
import { decoded, gitBlobSha, graphqlClient } from './support/files.js';
import { freshRepo, SHA, useGitHub } from './support/github.js';

const { github, octokit } = useGitHub();

/** A repository with a release pull request whose head moved from SHA.a to SHA.b, bumping VERSION. */
function bumpedRelease() {
  const { owner, repo, full } = freshRepo(github());
  const control = github().control;
  control.setFile(full, { ref: SHA.a, path: 'VERSION', content: '1.2.3\n' });
  control.setFile(full, { ref: SHA.a, path: 'charts/app/Chart.yaml', content: 'version: 1.2.3\n' });
  const number = control.openPullRequest(full, {
    head: { ref: 'releases/v1', sha: SHA.a },
    files: [{ filename: 'VERSION', additions: 1, deletions: 1 }],
  });
  control.pushHead(full, number, SHA.b);
  control.setFile(full, { ref: SHA.b, path: 'VERSION', content: '1.3.0\n' });
  return { owner, repo, full, number };
}

describe('file contents at a ref over REST (repos/get-content)', () => {
  it('reads a file at two commits; a push’s commit keeps the files it does not change', async () => {
    const { owner, repo, full, number } = bumpedRelease();
    const api = octokit();
    const before = await api.rest.repos.getContent({ owner, repo, path: 'VERSION', ref: SHA.a });
    const after = await api.rest.repos.getContent({ owner, repo, path: 'VERSION', ref: SHA.b });
    expect(decoded(before.data)).toBe('1.2.3\n');
    expect(decoded(after.data)).toBe('1.3.0\n');
    const self = `${github().url}/repos/${full}/contents/VERSION?ref=${SHA.a}`;
    const git = `${github().url}/repos/${full}/git/blobs/${gitBlobSha('1.2.3\n')}`;
    expect(before.data).toMatchObject({
      type: 'file',
      encoding: 'base64',
      size: 6,
      name: 'VERSION',
      path: 'VERSION',
      sha: gitBlobSha('1.2.3\n'),
      url: self,
      git_url: git,
      html_url: expect.stringContaining(`/${full}/blob/${SHA.a}/VERSION`),
      download_url: expect.stringContaining(`/${full}/${SHA.a}/VERSION`),
      _links: { self, git, html: expect.stringContaining(`/blob/${SHA.a}/VERSION`) },
    });
    const chart = (ref: string) =>
      api.rest.repos
        .getContent({ owner, repo, path: 'charts/app/Chart.yaml', ref })
        .then((r) => r.data as { sha: string });
    expect(await chart(SHA.b)).toMatchObject({ name: 'Chart.yaml', sha: (await chart(SHA.a)).sha });
    const files = await api.rest.pulls.listFiles({ owner, repo, pull_number: number });
    expect(files.data[0]?.sha).toBe(gitBlobSha('1.3.0\n'));
  });

  it('wraps base64 in lines of 60 characters, and leaves out the content of a file over 1 MB', async () => {
    const { owner, repo, full } = freshRepo(github());
    const text = 'x'.repeat(100);
    github().control.setFile(full, { ref: SHA.a, path: 'notes.txt', content: text });
    github().control.setFile(full, { ref: SHA.a, path: 'big.bin', content: new Uint8Array(1024 * 1024 + 1) });
    const api = octokit();
    const small = (await api.rest.repos.getContent({ owner, repo, path: 'notes.txt', ref: SHA.a })).data;
    const base64 = Buffer.from(text).toString('base64');
    expect(small).toMatchObject({
      content: `${base64.slice(0, 60)}\n${base64.slice(60, 120)}\n${base64.slice(120)}\n`,
    });
    const big = (await api.rest.repos.getContent({ owner, repo, path: 'big.bin', ref: SHA.a })).data;
    expect(big).toMatchObject({ size: 1024 * 1024 + 1, encoding: 'none', content: '' });
  });

  it('takes a branch, refs/heads/, pull/N/head or no ref (the default branch), and a path escaped or not', async () => {
    const { owner, repo, full, number } = bumpedRelease();
    github().control.pushBranch(full, 'main', SHA.c);
    github().control.setFile(full, { ref: 'main', path: 'VERSION', content: '1.1.0\n' });
    const api = octokit();
    const version = async (ref?: string) =>
      decoded((await api.rest.repos.getContent({ owner, repo, path: 'VERSION', ref })).data);
    expect(await version('releases/v1')).toBe('1.3.0\n');
    expect(await version('refs/heads/releases/v1')).toBe('1.3.0\n');
    expect(await version(`pull/${number}/head`)).toBe('1.3.0\n');
    expect(await version()).toBe('1.1.0\n');
    github().control.pushBranch(full, 'main', 'd'.repeat(40));
    expect(await version('main')).toBe('1.1.0\n');
    // Octokit escapes the slashes of `path`; other clients send them as they are.
    const escaped = await api.rest.repos.getContent({ owner, repo, path: 'charts/app/Chart.yaml', ref: SHA.b });
    const plain = await api.request(`GET /repos/${owner}/${repo}/contents/charts/app/Chart.yaml?ref=${SHA.b}`);
    expect(plain.data).toEqual(escaped.data);
    expect(decoded(plain.data)).toBe('version: 1.2.3\n');
  });

  it('404s: "Not Found" for a path the commit does not hold, "No commit found for the ref" for a ref naming none', async () => {
    const { owner, repo } = bumpedRelease();
    const api = octokit();
    const failure = (path: string, ref?: string) =>
      api.rest.repos.getContent({ owner, repo, path, ref }).then(
        () => 'found',
        (e: { status: number; response: { data: { message: string } } }) => `${e.status} ${e.response.data.message}`,
      );
    expect(await failure('MISSING', SHA.b)).toBe('404 Not Found');
    expect(await failure('VERSION/deeper', SHA.b)).toBe('404 Not Found');
    expect(await failure('VERSION', 'no-such-branch')).toBe('404 No commit found for the ref no-such-branch');
    expect(await failure('VERSION', SHA.c)).toBe(`404 No commit found for the ref ${SHA.c}`);
    expect(await failure('VERSION')).toBe('404 Not Found');
  });

  it('reads a fork’s pull request at its head commit in the repository it targets', async () => {
    const { owner, repo, full } = freshRepo(github());
    const number = github().control.openPullRequest(full, {
      head: { ref: 'bump', sha: SHA.c, repo: `mallory/${repo}` },
    });
    github().control.setFile(`mallory/${repo}`, { ref: 'bump', path: 'VERSION', content: '9.9.9\n' });
    const api = octokit();
    const { data } = await api.rest.repos.getContent({ owner, repo, path: 'VERSION', ref: SHA.c });
    expect(decoded(data)).toBe('9.9.9\n');
    expect(
      decoded((await api.rest.repos.getContent({ owner, repo, path: 'VERSION', ref: `pull/${number}/head` })).data),
    ).toBe('9.9.9\n');
  });

  it('lists a directory (files and directories by name, no content); another media type is a contract violation', async () => {
    const { owner, repo, full } = bumpedRelease();
    github().control.setFile(full, { ref: SHA.b, path: 'charts/app/templates/a.yaml', content: 'a' });
    const api = octokit();
    const { data } = await api.rest.repos.getContent({ owner, repo, path: 'charts/app', ref: SHA.b });
    expect(Array.isArray(data)).toBe(true);
    const entries = data as { type: string; name: string; path: string; content?: string }[];
    expect(entries.map((e) => [e.type, e.path])).toEqual([
      ['file', 'charts/app/Chart.yaml'],
      ['dir', 'charts/app/templates'],
    ]);
    expect(entries.every((e) => e.content === undefined)).toBe(true);
    await expect(
      api.rest.repos.getContent({ owner, repo, path: 'VERSION', ref: SHA.b, mediaType: { format: 'raw' } }),
    ).rejects.toMatchObject({ status: 404, message: expect.stringContaining('not in the raw media type') });
    const violations = github().control.violations.splice(0) as ContractViolation[];
    expect(violations.map((v) => v.operation)).toEqual(['repos/get-content']);
  });

  it('control puts files where git could, and takes them out again', () => {
    const { full } = freshRepo(github());
    const control = github().control;
    control.setFile(full, { ref: SHA.a, path: 'charts/app/Chart.yaml', content: 'a' });
    expect(() => control.setFile(full, { ref: SHA.a, path: 'charts', content: 'b' })).toThrow(/charts is a directory/);
    expect(() => control.setFile(full, { ref: SHA.a, path: 'charts/app/Chart.yaml/x', content: 'c' })).toThrow(
      /charts\/app\/Chart.yaml is a file/,
    );
    expect(() => control.setFile(full, { ref: SHA.a, path: 'a/../b', content: 'd' })).toThrow(
      /not a path git can hold/,
    );
    expect(() => control.setFile(full, { ref: 'nope', path: 'VERSION', content: '1' })).toThrow(/no branch nope/);
    control.removeFile(full, { ref: SHA.a, path: 'charts/app/Chart.yaml' });
    expect(() => control.removeFile(full, { ref: SHA.a, path: 'charts/app/Chart.yaml' })).toThrow(/no file/);
  });
});

describe('file contents at a ref over GraphQL (Repository.object)', () => {
  const OBJECT = `
    query object($owner: String!, $name: String!, $expression: String!) {
      repository(owner: $owner, name: $name) {
        object(expression: $expression) {
          __typename oid
          ... on Blob { text byteSize isBinary isTruncated abbreviatedOid }
        }
      }
    }`;
  type Blob = { __typename: string; oid: string; text: string | null; byteSize: number; isBinary: boolean };
  const object = (owner: string, name: string, expression: string) =>
    graphqlClient(github())<{ repository: { object: Blob | null } }>(OBJECT, { owner, name, expression }).then(
      (data) => data.repository.object,
    );

  it('answers "<ref>:<path>" with the Blob at that commit, null when the path or the ref is missing', async () => {
    const { owner, repo } = bumpedRelease();
    expect(await object(owner, repo, `${SHA.a}:VERSION`)).toEqual({
      __typename: 'Blob',
      oid: gitBlobSha('1.2.3\n'),
      abbreviatedOid: gitBlobSha('1.2.3\n').slice(0, 7),
      text: '1.2.3\n',
      byteSize: 6,
      isBinary: false,
      isTruncated: false,
    });
    expect(await object(owner, repo, `${SHA.b}:VERSION`)).toMatchObject({ text: '1.3.0\n' });
    expect(await object(owner, repo, 'releases/v1:charts/app/Chart.yaml')).toMatchObject({ text: 'version: 1.2.3\n' });
    expect(await object(owner, repo, `${SHA.b}:MISSING`)).toBeNull();
    expect(await object(owner, repo, 'no-such-branch:VERSION')).toBeNull();
    expect(await object(owner, repo, 'releases/v1')).toEqual({ __typename: 'Commit', oid: SHA.b });
  });

  it('a binary blob has no text; HEAD is the default branch', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.pushBranch(full, 'main', SHA.a);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    github().control.setFile(full, { ref: 'main', path: 'logo.png', content: png });
    expect(await object(owner, repo, 'HEAD:logo.png')).toMatchObject({
      oid: gitBlobSha(png),
      text: null,
      byteSize: 12,
      isBinary: true,
    });
  });
});
