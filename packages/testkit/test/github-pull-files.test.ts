import { describe, expect, it } from 'vitest';
import { ContractViolation, type PullRequestFile } from '../src/github/index.js';
import { allNodes, type Connection, graphqlClient, modifiedFiles, pullRequestChanging } from './support/files.js';
import { SHA, useGitHub } from './support/github.js';

const { github, octokit } = useGitHub();

const FILES = `
  query files($owner: String!, $name: String!, $number: Int!, $after: String) {
    repository(owner: $owner, name: $name) {
      pullRequest(number: $number) {
        changedFiles additions deletions
        files(first: 100, after: $after) {
          totalCount nodes { path changeType additions deletions } pageInfo { hasNextPage endCursor }
        }
      }
    }
  }`;

type ChangedFile = { path: string; changeType: string; additions: number; deletions: number };
type Files = { changedFiles: number; additions: number; deletions: number; files: Connection<ChangedFile> };

/** The files of pull request `number` over GraphQL, one page of 100 from `after`. */
const filesPage = (pr: { owner: string; repo: string; number: number }, after: string | null = null) =>
  graphqlClient(github())<{ repository: { pullRequest: Files } }>(FILES, {
    owner: pr.owner,
    name: pr.repo,
    number: pr.number,
    after,
  }).then((data) => data.repository.pullRequest);

describe('a pull request’s files over REST (pulls/list-files)', () => {
  it('lists 30 a page by default with Link headers, at most 100 a page, and pages past 100', async () => {
    const { owner, repo, number } = pullRequestChanging(github(), modifiedFiles(250));
    const api = octokit();
    const first = await api.rest.pulls.listFiles({ owner, repo, pull_number: number });
    expect(first.data).toHaveLength(30);
    expect(first.data[0]).toMatchObject({ filename: 'src/file-0001.ts', status: 'modified', changes: 2 });
    expect(first.headers.link).toContain('page=2>; rel="next"');
    expect(first.headers.link).toContain('page=9>; rel="last"');
    // per_page above 100 is taken as 100
    const big = await api.rest.pulls.listFiles({ owner, repo, pull_number: number, per_page: 250, page: 3 });
    expect(big.data.map((f) => f.filename)).toEqual(
      modifiedFiles(250)
        .slice(200)
        .map((f) => f.filename),
    );
    expect(big.headers.link).toBeUndefined();
    const all = await api.paginate(api.rest.pulls.listFiles, { owner, repo, pull_number: number, per_page: 100 });
    expect(all.map((f) => f.filename)).toEqual(modifiedFiles(250).map((f) => f.filename));
    const pr = await api.rest.pulls.get({ owner, repo, pull_number: number });
    expect(pr.data).toMatchObject({ changed_files: 250, additions: (250 * 251) / 2, deletions: 250 });
  });

  it('lists at most 3,000 files, while changed_files counts them all', async () => {
    const { owner, repo, number } = pullRequestChanging(github(), modifiedFiles(3205));
    const api = octokit();
    const all = await api.paginate(api.rest.pulls.listFiles, { owner, repo, pull_number: number, per_page: 100 });
    expect(all).toHaveLength(3000);
    expect(all.at(-1)?.filename).toBe('src/file-3000.ts');
    const last = await api.rest.pulls.listFiles({ owner, repo, pull_number: number, per_page: 100, page: 30 });
    expect(last.data).toHaveLength(100);
    expect(last.headers.link).toBeUndefined();
    const past = await api.rest.pulls.listFiles({ owner, repo, pull_number: number, per_page: 100, page: 31 });
    expect(past.data).toEqual([]);
    expect((await api.rest.pulls.get({ owner, repo, pull_number: number })).data.changed_files).toBe(3205);
  });

  it('a rename carries both paths; every entry links the file at the head commit', async () => {
    const { owner, repo, full, number } = pullRequestChanging(github(), [
      { filename: 'charts/app/Chart.yaml', status: 'modified', additions: 2, deletions: 2 },
      { filename: 'docs/release notes.md', status: 'renamed', previousFilename: 'docs/notes.md', additions: 1 },
      { filename: 'VERSION', status: 'added', additions: 1 },
      { filename: 'old.txt', status: 'removed', deletions: 7 },
    ]);
    const { data } = await octokit().rest.pulls.listFiles({ owner, repo, pull_number: number });
    expect(data.map((f) => [f.filename, f.status, f.previous_filename, f.changes])).toEqual([
      ['charts/app/Chart.yaml', 'modified', undefined, 4],
      ['docs/release notes.md', 'renamed', 'docs/notes.md', 1],
      ['VERSION', 'added', undefined, 1],
      ['old.txt', 'removed', undefined, 7],
    ]);
    expect(data[1]?.contents_url).toBe(`${github().url}/repos/${full}/contents/docs/release%20notes.md?ref=${SHA.a}`);
    expect(data[1]?.blob_url).toContain(`/blob/${SHA.a}/docs/release%20notes.md`);
    expect(data[1]?.sha).toMatch(/^[0-9a-f]{40}$/);
  });

  it('a push with files replaces them, one without keeps them; an unknown pull request is 404', async () => {
    const { owner, repo, full, number } = pullRequestChanging(github(), [
      { filename: 'VERSION', additions: 1, deletions: 1 },
    ]);
    github().control.pushHead(full, number, SHA.b, {
      files: [{ filename: 'CHANGELOG.md', status: 'added', additions: 9 }],
    });
    const api = octokit();
    const { data } = await api.rest.pulls.listFiles({ owner, repo, pull_number: number });
    expect(data.map((f) => [f.filename, f.contents_url.endsWith(`?ref=${SHA.b}`)])).toEqual([['CHANGELOG.md', true]]);
    github().control.pushHead(full, number, SHA.c);
    expect((await api.rest.pulls.listFiles({ owner, repo, pull_number: number })).data).toHaveLength(1);
    github().control.setPullRequestFiles(full, number, []);
    expect((await api.rest.pulls.listFiles({ owner, repo, pull_number: number })).data).toEqual([]);
    await expect(api.rest.pulls.listFiles({ owner, repo, pull_number: 404 })).rejects.toMatchObject({
      status: 404,
      response: { data: { message: 'Not Found' } },
    });
  });

  it('control refuses files GitHub could never list', () => {
    const { full, number } = pullRequestChanging(github(), []);
    const set = (files: PullRequestFile[]) => () => github().control.setPullRequestFiles(full, number, files);
    expect(set([{ filename: 'a', status: 'renamed' }])).toThrow(/renamed but has no previousFilename/);
    expect(set([{ filename: 'a', status: 'added', previousFilename: 'b' }])).toThrow(/only a rename or a copy/);
    expect(set([{ filename: 'a' }, { filename: 'a' }])).toThrow(/listed twice/);
    expect(set([{ filename: 'a', additions: -1 }])).toThrow(/additions must be a whole number/);
  });
});

describe('a pull request’s files over GraphQL (PullRequest.files)', () => {
  it('pages with first/after past 100; a rename shows only its new path; changedFiles counts the files', async () => {
    const pr = pullRequestChanging(github(), [
      ...modifiedFiles(120),
      { filename: 'docs/new.md', status: 'renamed', previousFilename: 'docs/old.md', additions: 3, deletions: 1 },
      { filename: 'VERSION', status: 'added', additions: 1 },
      { filename: 'old.txt', status: 'removed', deletions: 4 },
      { filename: 'copy.txt', status: 'copied', previousFilename: 'old.txt' },
      { filename: 'run.sh', status: 'changed' },
    ]);
    const first = await filesPage(pr);
    expect(first).toMatchObject({ changedFiles: 125, additions: (120 * 121) / 2 + 4, deletions: 125 });
    expect(first.files).toMatchObject({ totalCount: 125, pageInfo: { hasNextPage: true } });
    expect(first.files.nodes).toHaveLength(100);
    const all = await allNodes((after) => filesPage(pr, after).then((page) => page.files));
    expect(all).toHaveLength(125);
    expect(all[0]).toEqual({ path: 'src/file-0001.ts', changeType: 'MODIFIED', additions: 1, deletions: 1 });
    expect(all.slice(120).map((f) => [f.path, f.changeType])).toEqual([
      ['docs/new.md', 'RENAMED'],
      ['VERSION', 'ADDED'],
      ['old.txt', 'DELETED'],
      ['copy.txt', 'COPIED'],
      ['run.sh', 'CHANGED'],
    ]);
  });

  it('stops at 3,000 files, totalCount too, while changedFiles counts them all', async () => {
    const pr = pullRequestChanging(github(), modifiedFiles(3001));
    const first = await filesPage(pr);
    expect(first.changedFiles).toBe(3001);
    expect(first.files.totalCount).toBe(3000);
    const all = await allNodes((after) => filesPage(pr, after).then((page) => page.files));
    expect(all).toHaveLength(3000);
  });

  it('does not guess a change type for a file REST calls unchanged: the emulator reports it', async () => {
    const pr = pullRequestChanging(github(), [{ filename: 'same.txt', status: 'unchanged' }]);
    const { data } = await octokit().rest.pulls.listFiles({ owner: pr.owner, repo: pr.repo, pull_number: pr.number });
    expect(data[0]?.status).toBe('unchanged');
    await expect(filesPage(pr)).rejects.toThrow(/same.txt is unchanged: GraphQL's PatchStatus has no value for it/);
    const [violation] = github().control.violations.splice(0);
    expect(violation).toBeInstanceOf(ContractViolation);
  });
});
