import { liveMarkdown } from '@release-guard/core/testing';
import { createOctokit } from '@release-guard/github-adapter';
import { pullRequestEvent, scheduleEvent, workflowRunEvent } from '@release-guard/testkit';
import { describe, expect, it } from 'vitest';
import {
  approvalEvent,
  RELEASE_WORKFLOW_FILE,
  releaseRunEvent,
  SHA,
  useEmulators,
  RELEASE_WORKFLOW as WORKFLOW,
} from './support/emulators.js';
import { HOSTILE_REGISTRY_WORDS, useHostileRegistry, workflowCommands } from './support/hostile-registry.js';
import { runStep, staticImports, useBundle } from './support/runner.js';

const bundle = useBundle();
const emulators = useEmulators();
const hostileRegistry = useHostileRegistry();
const TOKEN = 'ghs_guardTokenForTheDistTests0001';
const MERGE_TOKEN = 'ghp_mergeTokenForTheDistTests0002';
let repositories = 0;
/** Everything the steps printed, wrote as outputs and summaries: searched for tokens at the end. */
const seen: string[] = [];
/** Values the steps asked the runner to mask. */
const masked = new Set<string>();

/** A weave-gitops-like repository: `main` requires `release` and `build`, a release workflow to dispatch. */
function repository() {
  repositories++;
  const name = `weave-gitops-${repositories}`;
  const full = emulators.github.control.createRepository({
    owner: 'weaveworks',
    name,
    collaborators: { releaser: 'write', maintainer: 'admin', outsider: 'read' },
  });
  emulators.github.control.addToken(TOKEN, 'github-actions[bot]');
  emulators.github.control.setPermission(full, 'github-actions[bot]', 'write');
  emulators.github.control.addToken(MERGE_TOKEN, 'release-bot[bot]');
  emulators.github.control.setPermission(full, 'release-bot[bot]', 'write');
  emulators.github.control.addToken('releaser-token', 'releaser');
  emulators.github.control.protectBranch(full, 'main', { requiredContexts: ['release', 'build'] });
  emulators.github.control.addWorkflow(full, RELEASE_WORKFLOW_FILE);
  const repo = { owner: 'weaveworks', name };
  const image = `weaveworks/wego-app-${repositories}`;
  const inputs = {
    token: TOKEN,
    'merge-token': MERGE_TOKEN,
    'release-workflow': 'release.yaml',
    artifacts: [
      '- name: image',
      `  ref: ${emulators.registry.host}/${image}:{version}`,
      '- name: chart',
      `  ref: ${emulators.registry.host}/weaveworks/charts/weave-gitops-${repositories}:{version}`,
      '  after: [image]',
      '  on-merge: true',
    ].join('\n'),
  };
  const step = async (event: Parameters<typeof runStep>[1]['event'], extra: Record<string, string> = {}) => {
    const result = await runStep(bundle, {
      apiUrl: emulators.github.url,
      repository: full,
      event,
      inputs: { ...inputs, ...extra },
    });
    // The runner consumes `::add-mask::` commands (it masks the value from then on) and never shows them.
    const shown = result.stdout
      .split('\n')
      .filter((line) => {
        if (!line.startsWith('::add-mask::')) return true;
        masked.add(line.slice('::add-mask::'.length));
        return false;
      })
      .join('\n');
    seen.push(shown, result.stderr, result.summary, JSON.stringify(result.outputs));
    return result;
  };
  const ci = createOctokit({ baseUrl: emulators.github.url, token: 'ci-token', retries: 0, throttle: false });
  emulators.github.control.addToken('ci-token', 'ci-bot');
  emulators.github.control.setPermission(full, 'ci-bot', 'write');
  const build = (sha: string) =>
    ci.rest.repos.createCommitStatus({ owner: 'weaveworks', repo: name, sha, state: 'success', context: 'build' });
  const humanMerge = (number: number, sha: string) =>
    createOctokit({ baseUrl: emulators.github.url, token: 'releaser-token', retries: 0, throttle: false })
      .rest.pulls.merge({ owner: 'weaveworks', repo: name, pull_number: number, sha })
      .then(
        () => 200,
        (error: { status: number }) => error.status,
      );
  return { full, name, repo, image, step, build, humanMerge };
}

const releaseStatuses = (full: string, sha: string) =>
  emulators.github.control.statuses(full, sha, 'release').map((s) => s.state);

function releasePr(full: string, repo: { owner: string; name: string }, ref = 'releases/v0.29.0', sha = SHA.a) {
  const number = emulators.github.control.openPullRequest(full, { head: { ref, sha }, user: 'releaser' });
  const head = { ref, sha };
  return { number, head, opened: pullRequestEvent('opened', { repo, number, head }) };
}

describe('dist/index.js, run as the runner runs it, against the emulators', () => {
  it('is under 480 KiB, every chunk included, of which an event it ignores loads under 24 KiB in 3 files', async () => {
    const total = Object.values(bundle.sizes).reduce((sum, bytes) => sum + bytes, 0);
    expect(total).toBeGreaterThan(100_000);
    expect(total).toBeLessThan(480 * 1024);
    // What index.js imports statically is loaded by every run; the guard, Octokit and YAML are not in it.
    // Each file costs a run time of its own: what every run loads is one chunk (src/shared.ts).
    const loaded = await staticImports(bundle.dir, 'index.js');
    expect(loaded.reduce((sum, file) => sum + (bundle.sizes[file] ?? 0), 0)).toBeLessThan(24 * 1024);
    expect(loaded.length).toBeLessThanOrEqual(3);
  });

  it('the seed’s release scenario: locked, approved, released, verified, merged by the bot', async () => {
    const { full, repo, image, step, build, humanMerge } = repository();
    const { number, head, opened } = releasePr(full, repo);
    await build(SHA.a);

    const locked = await step(opened);
    expect(locked.code, locked.stderr).toBe(0);
    expect(locked.outputs).toEqual({ phase: 'prepared', release: 'false', 'head-sha': SHA.a, version: 'v0.29.0' });
    expect(emulators.github.control.statuses(full, SHA.a).at(-1)).toMatchObject({
      context: 'release',
      state: 'pending',
    });
    expect(await humanMerge(number, SHA.a)).toBe(405);

    const reviewId = emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    const approved = await step(approvalEvent(repo, number, head, reviewId, 'releaser'));
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.outputs.phase).toBe('releasing');
    const [run] = emulators.github.control.runs(full);
    expect(run).toMatchObject({ headSha: SHA.a, displayTitle: `release-guard ${SHA.a} v0.29.0` });
    expect(await humanMerge(number, SHA.a)).toBe(405);

    await emulators.registry.control.pushImage(image, 'v0.29.0');
    emulators.github.control.updateRun(full, run?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const released = await step(
      releaseRunEvent(repo, { id: run?.id ?? 0, headSha: SHA.a, headBranch: head.ref }, 'success'),
    );
    expect(released.code, released.stderr).toBe(0);
    expect(released.outputs.phase).toBe('merged');
    expect(emulators.github.control.pullRequest(full, number)).toMatchObject({
      merged: true,
      mergedBy: { login: 'release-bot[bot]' },
    });
    expect(releaseStatuses(full, SHA.a)).toEqual(['pending', 'success']);
    expect(released.summary).toContain('```mermaid');
    expect(released.summary).toMatch(/class merged current/);

    const closed = await step(
      pullRequestEvent('closed', { repo, number, head, merged: true, mergedBy: 'release-bot[bot]' }),
    );
    expect(closed.code, closed.stderr).toBe(0);
    expect(closed.outputs.phase).toBe('merged');
    expect(
      emulators.github.control.requests(full).filter((r) => r.operation === 'pulls/merge' && r.status === 200),
    ).toHaveLength(1);
    expect(emulators.github.control.comments(full, number)).toHaveLength(1);
  });

  it('the seed’s non-release scenario: the guard says "not required" and a human merges after build', async () => {
    const { full, repo, step, build, humanMerge } = repository();
    const { number, opened } = releasePr(full, repo, 'feature/faster-sync', SHA.b);
    const result = await step(opened);
    expect(result.code, result.stderr).toBe(0);
    expect(result.outputs.phase).toBe('skipped');
    expect(emulators.github.control.statuses(full, SHA.b).at(-1)).toMatchObject({
      context: 'release',
      state: 'success',
    });
    expect(await humanMerge(number, SHA.b)).toBe(405);
    await build(SHA.b);
    expect(await humanMerge(number, SHA.b)).toBe(200);
    expect(emulators.github.control.comments(full, number)).toHaveLength(0);
  });

  it('the failure path: release fails, check red, approved again, released, merged', async () => {
    const { full, repo, image, step, build } = repository();
    const { number, head, opened } = releasePr(full, repo);
    await build(SHA.a);
    await step(opened);
    const first = emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await step(approvalEvent(repo, number, head, first, 'releaser'));
    const [failedRun] = emulators.github.control.runs(full);
    emulators.github.control.updateRun(full, failedRun?.id ?? 0, { status: 'completed', conclusion: 'failure' });
    const runEvent = (runId: number, conclusion: 'success' | 'failure') =>
      releaseRunEvent(repo, { id: runId, headSha: SHA.a, headBranch: head.ref }, conclusion);
    const failed = await step(runEvent(failedRun?.id ?? 0, 'failure'));
    expect(failed.code, failed.stderr).toBe(0);
    expect(failed.outputs.phase).toBe('failed');
    expect(emulators.github.control.statuses(full, SHA.a).at(-1)).toMatchObject({ state: 'failure' });
    expect(failed.summary).toMatch(/run concluded failure/);

    const second = emulators.github.control.submitReview(full, number, { user: 'maintainer', state: 'APPROVED' });
    const retried = await step(approvalEvent(repo, number, head, second, 'maintainer'));
    expect(retried.outputs.phase).toBe('releasing');
    const runs = emulators.github.control.runs(full);
    expect(runs).toHaveLength(2);
    await emulators.registry.control.pushImage(image, 'v0.29.0');
    emulators.github.control.updateRun(full, runs[1]?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const merged = await step(runEvent(runs[1]?.id ?? 0, 'success'));
    expect(merged.outputs.phase).toBe('merged');
    expect(releaseStatuses(full, SHA.a)).toEqual(['pending', 'failure', 'pending', 'success']);
    expect(emulators.github.control.pullRequest(full, number).merged).toBe(true);
  });

  it('a release workflow that reports success without the image: failed, not merged, the step still succeeds', async () => {
    const { full, repo, step } = repository();
    const { number, head, opened } = releasePr(full, repo);
    await step(opened);
    const review = emulators.github.control.submitReview(full, number, { user: 'releaser', state: 'APPROVED' });
    await step(approvalEvent(repo, number, head, review, 'releaser'));
    const [run] = emulators.github.control.runs(full);
    emulators.github.control.updateRun(full, run?.id ?? 0, { status: 'completed', conclusion: 'success' });
    const result = await step(
      releaseRunEvent(repo, { id: run?.id ?? 0, headSha: SHA.a, headBranch: head.ref }, 'success'),
    );
    expect(result.outputs.phase).toBe('failed');
    expect(result.summary).toMatch(/artifact image missing/);
    expect(emulators.github.control.pullRequest(full, number).merged).toBe(false);
  });

  it('a human merge that bypassed the guard fails the step with an error annotation', async () => {
    const { full, repo, step } = repository();
    const { number, head, opened } = releasePr(full, repo);
    await step(opened);
    emulators.github.control.mergeByHand(full, number, 'releaser');
    const result = await step(pullRequestEvent('closed', { repo, number, head, merged: true, mergedBy: 'releaser' }));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/::error::.*was merged by releaser before it was approved, released and verified/);
    expect(result.outputs.phase).toBe('merged');
  });

  it('a bad input fails the step before any API call, naming the input', async () => {
    const { full, repo, step } = repository();
    const { opened } = releasePr(full, repo);
    const before = emulators.github.control.requests(full).length;
    const result = await step(opened, { 'status-kind': 'check' });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("::error::input 'status-kind': expected one of status, check-run, got 'check'");
    expect(emulators.github.control.requests(full)).toHaveLength(before);
  });

  it('a sweep handles every open release pull request, and only those', async () => {
    const { full, repo, step } = repository();
    const stuck = releasePr(full, repo, 'releases/v0.29.0', SHA.a);
    const fresh = releasePr(full, repo, 'releases/v0.30.0', SHA.b);
    releasePr(full, repo, 'feature/other', 'c'.repeat(40));
    for (const pr of [stuck, fresh]) {
      await step(pr.opened);
      const id = emulators.github.control.submitReview(full, pr.number, { user: 'releaser', state: 'APPROVED' });
      await step(approvalEvent(repo, pr.number, pr.head, id, 'releaser'));
    }
    const sweep = scheduleEvent({ repo, cron: '*/15 * * * *' });
    const early = await step(sweep);
    expect(early.code, early.stderr).toBe(0);
    expect(early.stdout).toContain('sweeping 2 open release pull request(s) of 3 open, and 0 closed in the last day');
    expect(emulators.github.control.statuses(full, SHA.a).at(-1)).toMatchObject({ state: 'pending' });
    expect(early.outputs.phase).toBe('');
    expect(early.summary).toContain(`Pull request #${stuck.number}`);
    expect(early.summary).toContain(`Pull request #${fresh.number}`);
  });

  /** The commands in a step's output that are not the action's own: masks of its tokens, groups, annotations. */
  const foreignCommands = (output: string, own: readonly string[]) =>
    workflowCommands(output).filter((command) => {
      const [name = '', ...data] = command.split('::');
      if (name === 'add-mask') return ![TOKEN, MERGE_TOKEN].includes(data.join('::'));
      return !own.includes(name);
    });

  /** What the runner shows of an annotation's data: `%0D`, `%0A` and `%25` decoded, as the runner does. */
  const annotationData = (output: string, name: string) =>
    output
      .split('\n')
      .filter((line) => line.startsWith(`::${name}::`))
      .map((line) =>
        line
          .slice(name.length + 4)
          .replaceAll('%0D', '\r')
          .replaceAll('%0A', '\n')
          .replaceAll('%25', '%'),
      );

  it('a registry whose error message holds workflow commands: the gate logs it as one inert line', async () => {
    const { repo, step } = repository();
    const result = await step(scheduleEvent({ repo, cron: '0 * * * *' }), {
      command: 'gate',
      artifact: 'chart',
      version: 'v0.29.0',
      artifacts: `- name: image\n  ref: ${hostileRegistry.host}/a:{version}\n- name: chart\n  ref: ${hostileRegistry.host}/c:{version}\n  after: [image]`,
    });
    expect(result.code, result.stderr).toBe(1);
    expect(foreignCommands(result.stdout, ['group', 'endgroup', 'error'])).toEqual([]);
    expect(foreignCommands(result.stderr, [])).toEqual([]);
    const missing = result.stdout.split('\n').filter((line) => line.startsWith('missing: image'));
    expect(missing).toHaveLength(1);
    for (const word of HOSTILE_REGISTRY_WORDS) expect(missing[0]).toContain(word);
    expect(result.stdout).not.toContain('\r');
    const errors = annotationData(result.stdout, 'error');
    expect(errors).toHaveLength(1);
    const [error] = errors;
    expect(error).toContain('the gate for chart is closed');
    expect(error).not.toMatch(/[\r\n]/);
    expect(liveMarkdown(result.summary)).toEqual([]);
  });

  it('a workflow run with a hostile path or branch: an inert summary and a one-line notice, no command', async () => {
    const { repo, step } = repository();
    const hostile = '\n::add-mask::y\r\n### Pwned [click](https://evil.example) <img src=x onerror=alert(1)> @octocat';
    const run = {
      repo,
      runId: 9,
      workflowName: 'release',
      headSha: SHA.a,
      displayTitle: `release-guard ${SHA.a}`,
      conclusion: 'success' as const,
    };
    for (const event of [
      workflowRunEvent({ ...run, workflowPath: `.github/workflows/ci.yaml${hostile}`, headBranch: 'releases/v1' }),
      workflowRunEvent({ ...run, workflowPath: WORKFLOW, headBranch: `releases/v1${hostile}` }),
    ]) {
      const result = await step(event);
      expect(result.code, result.stderr).toBe(0);
      expect(foreignCommands(result.stdout, ['notice'])).toEqual([]);
      const notices = annotationData(result.stdout, 'notice');
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain('Pwned');
      expect(notices[0]).not.toMatch(/[\r\n]/);
      expect(liveMarkdown(result.summary)).toEqual([]);
      expect(result.summary.split(/\r\n|\r|\n/).filter((line) => line.startsWith('#'))).toEqual(['### release-guard']);
      expect(result.summary).toContain('Pwned');
    }
  });

  it('no token appears in any log, output, summary, comment, request path or body, raw or encoded', () => {
    const repos = [
      ...new Set(
        emulators.github.control
          .requests()
          .map((r) => r.repo)
          .filter((r) => r !== undefined),
      ),
    ];
    expect(repos.length).toBeGreaterThan(5);
    const comments = repos.flatMap((repo) =>
      [1, 2, 3, 4, 5].flatMap((number) => emulators.github.control.comments(repo, number).map((c) => c.body)),
    );
    const decodedMarkers = comments.flatMap((body) =>
      [...body.matchAll(/release-guard:state v1 sha=\w+ (\S+)/g)].map((m) =>
        Buffer.from(m[1] ?? '', 'base64').toString(),
      ),
    );
    const requests = emulators.github.control.requests().flatMap((r) => [r.path, r.body]);
    const haystack = [...seen, ...comments, ...decodedMarkers, ...requests].join('\n');
    expect(seen.length).toBeGreaterThan(40);
    expect(comments.length).toBeGreaterThan(3);
    for (const token of [TOKEN, MERGE_TOKEN]) {
      for (const form of [
        token,
        encodeURIComponent(token),
        Buffer.from(token).toString('base64'),
        Buffer.from(token).toString('base64url'),
        Buffer.from(`x-access-token:${token}`).toString('base64'),
      ]) {
        const where = [...seen, ...comments, ...decodedMarkers, ...requests].find((text) => text.includes(form));
        expect(where, `${form} found`).toBeUndefined();
      }
    }
    expect(haystack).toContain('release-guard');
    expect([...masked].sort()).toEqual([MERGE_TOKEN, TOKEN].sort());
  });
});
