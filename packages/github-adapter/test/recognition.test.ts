import { createGuard, type GuardConfig } from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { runGuard } from '../src/index.js';
import { guardRepository, RELEASE_INPUTS, RELEASE_RUN_NAME, SHA, useEmulators } from './support/emulators.js';

const emulators = useEmulators();

function setup(config: GuardConfig, pr: { ref: string; title?: string; files?: { filename: string }[] }) {
  const { full, octokit } = guardRepository(emulators.github, { collaborators: { releaser: 'write' } });
  emulators.github.control.addWorkflow(full, {
    path: '.github/workflows/release.yaml',
    name: 'release',
    runName: RELEASE_RUN_NAME,
    inputs: RELEASE_INPUTS,
  });
  const number = emulators.github.control.openPullRequest(full, {
    head: { ref: pr.ref, sha: SHA.a },
    ...(pr.title ? { title: pr.title } : {}),
    ...(pr.files ? { files: pr.files } : {}),
  });
  const [owner = '', repo = ''] = full.split('/');
  const guard = createGuard(config);
  const runFor = (n: number) =>
    runGuard({
      guard,
      octokit,
      pr: { owner, repo, number: n },
      release: { kind: 'dispatch', workflow: 'release.yaml' },
    });
  const run = () => runFor(number);
  const calls = () => emulators.github.control.requests(full);
  const status = (sha: string = SHA.a) => emulators.github.control.statuses(full, sha).at(-1);
  return { full, number, octokit, run, runFor, calls, status };
}

const paths = (n: number, prefix = 'src/file') =>
  Array.from({ length: n }, (_, i) => ({ filename: `${prefix}-${String(i).padStart(4, '0')}.ts` }));

describe('runGuard reads what recognising a pull request needs', () => {
  it('release-please: the version from the title read on GitHub; an edit that changes it locks the head again', async () => {
    const { full, number, run, status } = setup(
      { preset: 'release-please' },
      { ref: 'release-please--branches--main', title: 'chore(main): release weave-gitops 0.39.1-rc.1' },
    );
    const opened = await run();
    expect(opened.snapshot.kind).toBe('release');
    expect(opened.snapshot.pr.version).toBe('0.39.1-rc.1');
    expect(status()?.state).toBe('pending');

    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    const approved = await run();
    expect(approved.snapshot.phase).toBe('releasing');
    const [dispatched] = emulators.github.control.runs(full);
    expect(dispatched?.inputs).toEqual({ sha: SHA.a, version: '0.39.1-rc.1' });

    emulators.github.control.editPullRequest(full, number, { title: 'chore(main): release weave-gitops 0.39.1' });
    const edited = await run();
    expect(edited.snapshot.pr.version).toBe('0.39.1');
    expect(edited.snapshot.phase).toBe('prepared');
    expect(status()?.state).toBe('pending');
  });

  it('a release-please title without a version locks the head and says why, never "not required"', async () => {
    const { run, status } = setup(
      { preset: 'release-please' },
      { ref: 'release-please--branches--main', title: 'chore: release' },
    );
    const opened = await run();
    expect(opened.snapshot.kind).toBe('release');
    expect(status()).toMatchObject({ state: 'pending' });
    expect(status()?.description).toMatch(/version/);
    expect(status()?.description).not.toMatch(/not required/);
  });

  it('changesets: the version from package.json at the head SHA, in one more call; a missing file locks', async () => {
    const { full, number, run, calls, status } = setup({ preset: 'changesets' }, { ref: 'changeset-release/main' });
    const missing = await run();
    expect(missing.snapshot.pr.version).toBeUndefined();
    expect(status()?.description).toMatch(/package\.json/);

    emulators.github.control.setFile(full, {
      ref: SHA.a,
      path: 'package.json',
      content: '{"name":"app","version":"2.4.0"}',
    });
    const before = calls().length;
    const read = await run();
    expect(read.snapshot.pr.version).toBe('2.4.0');
    const reads = calls()
      .slice(before)
      .filter((c) => c.operation === 'repos/get-content');
    expect(reads.map((c) => c.path)).toEqual([expect.stringContaining('/contents/package.json')]);

    // A push: the version is the new head commit's.
    emulators.github.control.pushHead(full, number, SHA.b);
    emulators.github.control.setFile(full, { ref: SHA.b, path: 'package.json', content: '{"version":"2.5.0"}' });
    const pushed = await run();
    expect(pushed.snapshot.headSha).toBe(SHA.b);
    expect(pushed.snapshot.pr.version).toBe('2.5.0');
  });

  it('protected paths: a pull request that is not a release and changes one fails with the path; one that does not is not required', async () => {
    const config: GuardConfig = { preset: 'release-please', protectedPaths: ['charts/**'] };
    const touching = setup(config, {
      ref: 'bump-image',
      files: [{ filename: 'README.md' }, { filename: 'charts/gitops-server/values.yaml' }],
    });
    const judged = await touching.run();
    expect(judged.snapshot.kind).toBe('protected');
    expect(touching.status()).toMatchObject({
      state: 'failure',
      description: expect.stringContaining('charts/gitops-server/values.yaml'),
    });

    const other = setup(config, { ref: 'docs', files: [{ filename: 'README.md' }] });
    const plain = await other.run();
    expect(plain.snapshot.kind).toBe('not-release');
    expect(other.status()?.state).toBe('success');
  });

  it('protected paths are judged again on every push, and a merge anyway is alerted once as a bypass', async () => {
    const { full, number, run, status } = setup(
      { protectedPaths: ['charts/*/values.yaml'] },
      { ref: 'bump', files: [] },
    );
    await run();
    expect(status(SHA.a)?.state).toBe('success');

    emulators.github.control.pushHead(full, number, SHA.b, { files: [{ filename: 'charts/app/values.yaml' }] });
    await run();
    expect(status(SHA.b)).toMatchObject({
      state: 'failure',
      description: expect.stringContaining(
        'changes release-managed files outside a release PR: charts/app/values.yaml',
      ),
    });

    emulators.github.control.mergeByHand(full, number, 'releaser');
    const merged = await run();
    expect(merged.alerts).toEqual([
      'bbbbbbb was merged by releaser although it is not a release and changes release-managed files outside a release PR: charts/app/values.yaml: the guard was bypassed.',
    ]);
    const again = await run();
    expect(again.alerts).toEqual([]);
  });

  it('the first 100 files come with the observe query; more, or a rename, are listed by REST with the old paths', async () => {
    const config: GuardConfig = { protectedPaths: ['charts/**'] };
    const small = setup(config, { ref: 'feature', files: paths(100) });
    const before = small.calls().length;
    await small.run();
    const listed = small
      .calls()
      .slice(before)
      .filter((c) => c.path.includes('/files'));
    expect(listed).toHaveLength(0);

    const renamed = setup(config, { ref: 'rename', files: [] });
    emulators.github.control.setPullRequestFiles(renamed.full, renamed.number, [
      { filename: 'deploy/values.yaml', status: 'renamed', previousFilename: 'charts/app/values.yaml' },
    ]);
    await renamed.run();
    expect(renamed.status()).toMatchObject({
      state: 'failure',
      description: expect.stringContaining('charts/app/values.yaml'),
    });

    const large = setup(config, { ref: 'large', files: [...paths(250), { filename: 'charts/zz/values.yaml' }] });
    const start = large.calls().length;
    await large.run();
    const pages = large
      .calls()
      .slice(start)
      .filter((c) => c.path.includes('/files'));
    expect(pages).toHaveLength(3);
    expect(large.status()).toMatchObject({
      state: 'failure',
      description: expect.stringContaining('charts/zz/values.yaml'),
    });
  });

  it('costs no call under release-please or with protected paths, and one under changesets, per run', async () => {
    const opening = async (config: GuardConfig, ref: string) => {
      const { run, calls } = setup(config, { ref, title: 'chore(main): release 1.0.0', files: paths(40) });
      await run();
      return calls().length;
    };
    const base = await opening({}, 'releases/v1.0.0');
    const figures = {
      'release-please': (await opening({ preset: 'release-please' }, 'release-please--branches--main')) - base,
      changesets: (await opening({ preset: 'changesets' }, 'changeset-release/main')) - base,
      'protected paths, 40 files':
        (await opening({ protectedPaths: ['charts/**'] }, 'feature')) - (await opening({}, 'feature')),
    };
    console.info(`API calls of a first run: ${base} for releases/*; beyond that ${JSON.stringify(figures)}`);
    expect(figures).toEqual({ 'release-please': 0, changesets: 1, 'protected paths, 40 files': 0 });
  });

  it('a pull request with more files than GitHub lists fails closed', async () => {
    const huge = setup({ protectedPaths: ['charts/**'] }, { ref: 'huge', files: paths(3001) });
    const judged = await huge.run();
    expect(judged.snapshot.kind).toBe('protected');
    expect(huge.status()?.state).toBe('failure');
    expect(huge.status()?.description).toMatch(/3,?000|files/);
  });

  it('versionOf names a branch version: with another version source it is refused before any call', async () => {
    await expect(
      runGuard({
        guard: createGuard({ preset: 'release-please' }),
        octokit: undefined as never,
        pr: { owner: 'o', repo: 'r', number: 1 },
        release: { kind: 'in-run' },
        versionOf: () => ({ version: '1.0.0' }),
      }),
    ).rejects.toThrow(/versionSource/);
  });

  it('files REST lists after a push are not taken for the files of the head the query read', async () => {
    const { full, number, octokit, run, status } = setup(
      { protectedPaths: ['charts/**'] },
      { ref: 'bump', files: [...paths(150), { filename: 'charts/app/values.yaml' }] },
    );
    // The author pushes B, as many files and none protected, between the query and the REST listing.
    let pushed = false;
    octokit.hook.before('request', (options) => {
      if (!pushed && String(options.url).includes('/files')) {
        pushed = true;
        emulators.github.control.pushHead(full, number, SHA.b, { files: paths(151) });
      }
    });
    const judged = await run();
    expect(pushed).toBe(true);
    expect(judged.snapshot.kind).toBe('protected');
    expect(status(SHA.a)).toMatchObject({ state: 'failure', description: expect.stringContaining('not given') });
  });

  it('"not required" is never written on a head another open pull request changes protected paths at', async () => {
    const config: GuardConfig = { protectedPaths: ['charts/**'] };
    const { full, number, runFor, status } = setup(config, { ref: 'feature', files: [{ filename: 'src/app.ts' }] });
    // The same head into main, where the commit changes the chart (into staging it does not).
    const intoMain = emulators.github.control.openPullRequest(full, {
      head: { ref: 'feature', sha: SHA.a },
      files: [{ filename: 'src/app.ts' }, { filename: 'charts/app/values.yaml' }],
    });
    await runFor(intoMain);
    expect(status()?.state).toBe('failure');
    const intoStaging = await runFor(number);
    expect(intoStaging.ignored.join('\n')).toContain(
      `pull request #${intoMain}, which changes release-managed files, whose status governs it`,
    );
    expect(status()?.state).toBe('failure');
  });

  it('a release run names its version: one dispatched for 1.2.0 is never the release of 1.3.0, even rebuilt', async () => {
    const { full, number, run, status } = setup(
      { preset: 'release-please' },
      { ref: 'release-please--branches--main', title: 'chore(main): release 1.2.0' },
    );
    await run();
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await run();
    const [first] = emulators.github.control.runs(full);
    expect(first?.displayTitle).toBe(`release-guard ${SHA.a} 1.2.0`);
    // Retitled: locked again. The run of 1.2.0 succeeds; the guard's record is deleted (anyone with write
    // access can), so the next run rebuilds from GitHub's facts.
    emulators.github.control.editPullRequest(full, number, { title: 'chore(main): release 1.3.0' });
    expect((await run()).snapshot.phase).toBe('prepared');
    emulators.github.control.updateRun(full, first?.id ?? 0, { status: 'completed', conclusion: 'success' });
    for (const comment of emulators.github.control.comments(full, number)) {
      emulators.github.control.deleteComment(full, comment.id);
    }
    emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    const after = await run();
    expect(emulators.github.control.runs(full).map((r) => r.inputs.version)).toEqual(['1.2.0', '1.3.0']);
    expect(after.snapshot.phase).toBe('releasing');
    expect(status()?.state).toBe('pending');
  });
});
