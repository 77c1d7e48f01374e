import { liveMarkdown } from '@release-guard/core/testing';
import { createOctokit } from '@release-guard/github-adapter';
import {
  pullRequestEvent,
  pullRequestReviewEvent,
  scheduleEvent,
  workflowDispatchEvent,
  workflowRunEvent,
} from '@release-guard/testkit';
import { describe, expect, it } from 'vitest';
import { type ActionLog, EventPayloadError, InputError, parseInputs, releaseSince, run } from '../src/api.js';
import { SHA, useEmulators } from './support/emulators.js';
import { HOSTILE_REGISTRY_WORDS, useHostileRegistry, workflowCommands } from './support/hostile-registry.js';

let clock = new Date('2023-08-01T11:00:00Z');
const emulators = useEmulators({ now: () => clock });
const hostileRegistry = useHostileRegistry();
let repositories = 0;

/** A log that keeps what the action reported. */
function memoryLog(): ActionLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    notice: (m) => lines.push(`notice: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    group: async (name, fn) => {
      lines.push(`group: ${name}`);
      return fn();
    },
  };
}

function setup(inputs: Record<string, string> = {}) {
  repositories++;
  const name = `repo-${repositories}`;
  const full = emulators.github.control.createRepository({
    owner: 'weaveworks',
    name,
    collaborators: { releaser: 'write' },
  });
  emulators.github.control.addToken('guard', 'github-actions[bot]');
  emulators.github.control.setPermission(full, 'github-actions[bot]', 'write');
  emulators.github.control.protectBranch(full, 'main', { requiredContexts: ['release'] });
  const image = `weaveworks/wego-app-${repositories}`;
  const parsed = parseInputs({
    INPUT_TOKEN: 'guard',
    INPUT_ARTIFACTS: `- name: image\n  ref: ${emulators.registry.host}/${image}:{version}\n- name: chart\n  ref: ${emulators.registry.host}/charts/c-${repositories}:{version}\n  after: [image]\n  on-merge: true`,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  });
  const octokit = createOctokit({ token: 'guard', baseUrl: emulators.github.url, throttle: false, retries: 0 });
  const repo = { owner: 'weaveworks', name };
  const log = memoryLog();
  const act = (
    eventName: string,
    payload: unknown,
    context: { run?: { id: number; attempt: number }; refName?: string } = {},
    overrides: Partial<typeof parsed> = {},
  ) =>
    run(
      { ...parsed, ...overrides },
      { eventName, payload, repository: { owner: 'weaveworks', repo: name }, ...context },
      { octokit, now: () => clock },
      log,
    );
  const open = (ref = 'releases/v0.29.0', sha = SHA.a) => {
    const number = emulators.github.control.openPullRequest(full, { head: { ref, sha } });
    return { number, head: { ref, sha } };
  };
  const approve = async (pr: { number: number; head: { ref: string; sha: string } }) => {
    const id = emulators.github.control.submitReview(full, pr.number, { user: 'releaser', state: 'APPROVED' });
    const event = pullRequestReviewEvent('submitted', {
      repo,
      number: pr.number,
      head: pr.head,
      review: { id, state: 'approved', user: 'releaser' },
    });
    return act(event.name, event.payload);
  };
  const releaseStatus = (sha: string) => emulators.github.control.statuses(full, sha, 'release').at(-1);
  return { full, repo, image, act, open, approve, log, releaseStatus };
}

const minutes = (n: number) => {
  clock = new Date(clock.getTime() + n * 60_000);
};

describe('run(): releases in the calling run', () => {
  it('the approval asks this run to release; the release commands report it; the guard merges', async () => {
    const { full, image, act, open, approve, releaseStatus } = setup();
    const pr = open();
    const approved = await approve(pr);
    expect(approved.outputs).toMatchObject({ phase: 'approved', release: 'true', version: 'v0.29.0' });
    expect(emulators.github.control.runs(full)).toHaveLength(0);

    const payload = pullRequestReviewEvent('submitted', {
      repo: { owner: 'weaveworks', name: full.split('/')[1] ?? '' },
      number: pr.number,
      head: pr.head,
      review: { id: 1, state: 'approved', user: 'releaser' },
    }).payload;
    const jobRun = { id: 4242, attempt: 1 };
    const started = await act('pull_request_review', payload, { run: jobRun }, { command: 'release-started' });
    expect(started.outputs.phase).toBe('releasing');
    expect(releaseStatus(SHA.a)).toMatchObject({ state: 'pending' });

    await emulators.registry.control.pushImage(image, 'v0.29.0');
    const done = await act('pull_request_review', payload, { run: jobRun }, { command: 'release-succeeded' });
    expect(done.outputs.phase).toBe('merged');
    expect(emulators.github.control.pullRequest(full, pr.number).merged).toBe(true);
  });

  it('release-failed turns the check red with the run named', async () => {
    const { act, open, approve, releaseStatus } = setup();
    const pr = open();
    await approve(pr);
    const payload = pullRequestEvent('synchronize', {
      repo: { owner: 'weaveworks', name: 'x' },
      number: pr.number,
      head: pr.head,
    }).payload;
    const failed = await act('pull_request', payload, { run: { id: 77, attempt: 2 } }, { command: 'release-failed' });
    expect(failed.outputs.phase).toBe('failed');
    expect(releaseStatus(SHA.a)).toMatchObject({ state: 'failure' });
    expect(failed.pullRequests[0]?.result.snapshot.failure).toContain('run 77.2');
  });

  it('a dispatched release job finds its pull request by branch and its SHA in the dispatch inputs', async () => {
    const { full, repo, act, open, approve, image } = setup();
    const pr = open();
    await approve(pr);
    await emulators.registry.control.pushImage(image, 'v0.29.0');
    const dispatch = workflowDispatchEvent({
      repo,
      ref: pr.head.ref,
      workflowPath: '.github/workflows/release.yaml',
      inputs: { sha: SHA.a },
    });
    const done = await act(
      dispatch.name,
      dispatch.payload,
      { run: { id: 9, attempt: 1 }, refName: pr.head.ref },
      { command: 'release-succeeded' },
    );
    expect(done.outputs).toMatchObject({ phase: 'merged', 'head-sha': SHA.a });
    expect(emulators.github.control.pullRequest(full, pr.number).merged).toBe(true);
  });

  it('a release command whose released SHA is not a commit SHA fails before any write, naming where it came from', async () => {
    const { full, repo, act, open } = setup();
    const pr = open();
    const dispatch = workflowDispatchEvent({
      repo,
      ref: pr.head.ref,
      workflowPath: '.github/workflows/release.yaml',
      inputs: { sha: 'main; rm -rf /' },
    });
    const before = emulators.github.control.requests(full).length;
    const attempt = act(
      dispatch.name,
      dispatch.payload,
      { run: { id: 3, attempt: 1 }, refName: pr.head.ref },
      { command: 'release-succeeded' },
    );
    await expect(attempt).rejects.toThrow(EventPayloadError);
    await expect(attempt).rejects.toThrow('workflow_dispatch.inputs.sha must be a commit SHA');
    expect(
      emulators.github.control
        .requests(full)
        .slice(before)
        .every((r) => r.method === 'GET'),
    ).toBe(true);
  });

  it('a release command that cannot tell its pull request fails before any write, naming the input', async () => {
    const { full, repo, act } = setup();
    const dispatch = workflowDispatchEvent({ repo, ref: 'main', workflowPath: '.github/workflows/release.yaml' });
    const before = emulators.github.control.requests(full).length;
    const attempt = act(
      dispatch.name,
      dispatch.payload,
      { run: { id: 1, attempt: 1 }, refName: 'main' },
      {
        command: 'release-succeeded',
      },
    );
    await expect(attempt).rejects.toThrow(InputError);
    await expect(attempt).rejects.toThrow(/input 'pull-request'/);
    expect(
      emulators.github.control
        .requests(full)
        .slice(before)
        .every((r) => r.method === 'GET'),
    ).toBe(true);
  });
});

describe('run(): a configuration the guard refuses', () => {
  it('throws an InputError naming the input before anything, on an event the guard ignores and for a gate too', async () => {
    const { act } = setup();
    const cyclic = parseInputs({ INPUT_TOKEN: 'guard' }).config;
    const config = {
      ...cyclic,
      artifacts: [
        { name: 'a', ref: 'r/a:{version}', after: ['b'] },
        { name: 'b', ref: 'r/b:{version}', after: ['a'] },
      ],
    };
    await expect(act('ping', {}, {}, { config })).rejects.toThrow(InputError);
    await expect(act('ping', {}, {}, { config })).rejects.toThrow(/input 'artifacts'/);
    await expect(act('push', {}, {}, { config, command: 'gate', artifact: 'a' })).rejects.toThrow(InputError);
  });
});

describe('run(): auto', () => {
  it('a workflow run of another workflow is not the guard’s business: a notice, no API call', async () => {
    const { full, repo, act, log } = setup({ 'release-workflow': 'release.yaml' });
    const event = workflowRunEvent({
      repo,
      runId: 5,
      workflowName: 'ci',
      workflowPath: '.github/workflows/ci.yaml',
      headSha: SHA.a,
      headBranch: 'releases/v0.29.0',
      conclusion: 'success',
    });
    const before = emulators.github.control.requests(full).length;
    const result = await act(event.name, event.payload);
    expect(result.pullRequests).toEqual([]);
    expect(log.lines).toContain(
      'notice: the workflow .github/workflows/ci.yaml is not the release workflow release.yaml',
    );
    expect(emulators.github.control.requests(full)).toHaveLength(before);
  });

  it('an event the guard does not handle: a notice, no effects', async () => {
    const { full, act, log } = setup();
    const before = emulators.github.control.requests(full).length;
    const result = await act('push', { ref: 'refs/heads/main' });
    expect(result.failures).toEqual([]);
    expect(log.lines).toContain('notice: release-guard does not act on push events');
    expect(emulators.github.control.requests(full)).toHaveLength(before);
  });

  it('an edited title runs the guard for its pull request; an edited body is a notice, no API call', async () => {
    const { full, repo, act, open, log, releaseStatus } = setup();
    const pr = open();
    const payload = pullRequestEvent('synchronize', { repo, number: pr.number, head: pr.head }).payload;
    const retitled = await act('pull_request_target', {
      ...payload,
      action: 'edited',
      changes: { title: { from: 'Release v0.29.0' } },
    });
    expect(retitled.outputs).toMatchObject({ phase: 'prepared', 'head-sha': SHA.a });
    expect(releaseStatus(SHA.a)).toMatchObject({ state: 'pending' });
    const before = emulators.github.control.requests(full).length;
    const body = await act('pull_request_target', { ...payload, action: 'edited', changes: { body: { from: '' } } });
    expect(body.pullRequests).toEqual([]);
    expect(log.lines).toContain(
      'notice: release-guard does not act on pull_request_target.edited that changes neither the title nor the base (it changes body)',
    );
    expect(emulators.github.control.requests(full)).toHaveLength(before);
  });

  it('dry run reads but writes nothing, and reports the effects it would have executed', async () => {
    const { full, repo, act, open, log } = setup({ 'dry-run': 'true' });
    const pr = open();
    const event = pullRequestEvent('opened', { repo, number: pr.number, head: pr.head });
    const result = await act(event.name, event.payload);
    expect(result.outputs.phase).toBe('prepared');
    expect(result.pullRequests[0]?.result.effects.map((e) => [e.effect.type, e.executed])).toEqual([
      ['SET_STATUS', false],
      ['COMMENT', false],
    ]);
    expect(log.lines.some((l) => l.startsWith('dry run, not done: status release pending'))).toBe(true);
    expect(result.summary).toContain('(not executed: dry run)');
    const writes = emulators.github.control
      .requests(full)
      .filter((r) => r.method !== 'GET' && !r.operation.startsWith('graphql'));
    expect(writes).toEqual([]);
    expect(emulators.github.control.statuses(full, SHA.a)).toEqual([]);
  });
});

describe('run(): the sweep', () => {
  it('fails a release that ran past release-timeout, leaves a younger one, and repairs a missed event', async () => {
    const { repo, act, open, approve, releaseStatus, full } = setup({ 'release-timeout': '60' });
    const old = open('releases/v0.29.0', SHA.a);
    await approve(old);
    minutes(30);
    const young = open('releases/v0.30.0', SHA.b);
    await approve(young);
    const missed = open('releases/v0.31.0', 'c'.repeat(40));
    minutes(31);

    const sweep = scheduleEvent({ repo, cron: '*/15 * * * *' });
    const result = await act(sweep.name, sweep.payload);
    expect(result.failures).toEqual([]);
    const phases = Object.fromEntries(result.pullRequests.map((p) => [p.number, p.result.snapshot.phase]));
    expect(phases).toEqual({ [old.number]: 'failed', [young.number]: 'approved', [missed.number]: 'prepared' });
    expect(releaseStatus(SHA.a)).toMatchObject({ state: 'failure' });
    expect(releaseStatus('c'.repeat(40))).toMatchObject({ state: 'pending' });
    expect(emulators.github.control.comments(full, missed.number)).toHaveLength(1);

    minutes(30);
    const later = await act(sweep.name, sweep.payload);
    expect(later.pullRequests.find((p) => p.number === young.number)?.result.snapshot.phase).toBe('failed');
  });

  it('sets the outputs of the one release pull request it handled, and leaves them empty when it handled several', async () => {
    const { repo, act, open } = setup();
    const sweep = scheduleEvent({ repo, cron: '*/15 * * * *' });
    open('releases/v0.29.0', SHA.a);
    expect((await act(sweep.name, sweep.payload)).outputs).toEqual({
      phase: 'prepared',
      release: 'false',
      'head-sha': SHA.a,
      version: 'v0.29.0',
    });
    open('releases/v0.30.0', SHA.b);
    expect((await act(sweep.name, sweep.payload)).outputs).toEqual({
      phase: '',
      release: 'false',
      'head-sha': '',
      version: '',
    });
  });

  it('run by hand with pull-request, sweeps that one pull request: repairs it and times out its release', async () => {
    const { repo, act, open, approve, full } = setup({ 'release-timeout': '60' });
    const stuck = open('releases/v0.29.0', SHA.a);
    await approve(stuck);
    const other = open('releases/v0.30.0', SHA.b);
    minutes(61);
    const dispatch = workflowDispatchEvent({
      repo,
      ref: 'main',
      workflowPath: '.github/workflows/release-guard-sweep.yaml',
      inputs: { 'pull-request': String(stuck.number) },
    });
    const result = await act(dispatch.name, dispatch.payload, {}, { pullRequest: stuck.number });
    expect(result.pullRequests.map((p) => [p.number, p.result.snapshot.phase])).toEqual([[stuck.number, 'failed']]);
    expect(result.outputs).toMatchObject({ phase: 'failed', 'head-sha': SHA.a });
    expect(emulators.github.control.comments(full, other.number)).toHaveLength(0);
  });

  it('releaseSince: the start of the trailing approved/releasing run of the timeline, for the head only', () => {
    const entry = (phase: 'prepared' | 'approved' | 'releasing', at?: string, sha = SHA.a) => ({
      phase,
      sha,
      note: '',
      ...(at ? { at } : {}),
    });
    const base = { phase: 'releasing' as const, headSha: SHA.a };
    const since = (timeline: ReturnType<typeof entry>[], phase: 'releasing' | 'failed' = 'releasing') =>
      releaseSince({ ...base, phase, timeline } as never);
    expect(
      since([entry('prepared', '2023-08-01T10:00:00Z'), entry('approved', '2023-08-01T11:00:00Z'), entry('releasing')]),
    ).toBe(Date.parse('2023-08-01T11:00:00Z'));
    expect(since([entry('approved', '2023-08-01T09:00:00Z', SHA.b), entry('releasing', '2023-08-01T11:30:00Z')])).toBe(
      Date.parse('2023-08-01T11:30:00Z'),
    );
    expect(since([entry('releasing')])).toBeUndefined();
    expect(since([entry('releasing', '2023-08-01T11:00:00Z')], 'failed')).toBeUndefined();
  });
});

describe('run(): gate', () => {
  it('refuses while the image is missing and opens once it is pushed', async () => {
    const { image, act, log } = setup({ command: 'gate', artifact: 'chart', version: 'v0.29.0' });
    const closed = await act('push', {});
    expect(closed.failures).toHaveLength(1);
    expect(closed.failures[0]).toMatch(
      /^the gate for chart is closed: image: manifest unknown: .*wego-app-\d+:v0\.29\.0 does not exist/,
    );
    expect(closed.summary).toContain('must not be published yet');
    await emulators.registry.control.pushImage(image, 'v0.29.0');
    const open = await act('push', {});
    expect(open.failures).toEqual([]);
    expect(open.summary).toContain('may be published');
    expect(log.lines.some((l) => l.startsWith('present: image'))).toBe(true);
  });

  it('with require-revision, still checks only that the image exists, and says so', async () => {
    const { image, act, log } = setup({
      command: 'gate',
      artifact: 'chart',
      version: 'v0.29.0',
      'require-revision': 'true',
    });
    await emulators.registry.control.pushImage(image, 'v0.29.0', { revision: SHA.b });
    const open = await act('push', {});
    expect(open.failures).toEqual([]);
    expect(log.lines).toContain('require-revision: not checked by the gate, which checks that each predecessor exists');
  });

  it('requires the version input when the version is not read from the branch', async () => {
    const sources: Record<string, string>[] = [{ preset: 'release-please' }, { 'version-source': 'file:p.json#v' }];
    for (const inputs of sources) {
      const { act } = setup({ command: 'gate', artifact: 'chart', ...inputs });
      const gated = act('push', {}, { refName: 'release-please--branches--main' });
      await expect(gated).rejects.toThrow(/input 'version': required by command gate when the version is not read/);
    }
    const { act } = setup({ command: 'gate', artifact: 'image', preset: 'changesets', version: '1.2.3' });
    expect((await act('push', {})).outputs.version).toBe('1.2.3');
  });

  it('names the input when the artifact is missing', async () => {
    const { act } = setup({ command: 'gate' });
    await expect(act('push', {})).rejects.toThrow(/input 'artifact': required by command gate/);
  });
});

describe('run(): hostile text from payloads and registries', () => {
  const HOSTILE = '\n::add-mask::y\r\n### Pwned [click](https://evil.example) <img src=x onerror=alert(1)> @octocat';

  /** Each line as the runner would split it, and the commands it would obey in it. */
  const oneInertLine = (line: string) => {
    expect(line).not.toMatch(/[\r\n\u0085\u2028\u2029]/);
    expect(workflowCommands(line)).toEqual([]);
  };

  it('an ignored workflow run: its path and branch reach the summary inert and the log as one line', async () => {
    const { full, repo, act, log } = setup({ 'release-workflow': 'release.yaml' });
    const events = [
      workflowRunEvent({
        repo,
        runId: 5,
        workflowName: 'ci',
        workflowPath: `.github/workflows/ci.yaml${HOSTILE}`,
        headSha: SHA.a,
        headBranch: 'releases/v0.29.0',
        conclusion: 'success',
      }),
      workflowRunEvent({
        repo,
        runId: 6,
        workflowName: 'release',
        workflowPath: '.github/workflows/release.yaml',
        headSha: SHA.a,
        headBranch: `releases/v0.29.0${HOSTILE}`,
        displayTitle: `release-guard ${SHA.a}`,
        conclusion: 'success',
      }),
    ];
    for (const event of events) {
      const before = log.lines.length;
      const result = await act(event.name, event.payload);
      expect(result.pullRequests).toEqual([]);
      const notices = log.lines.slice(before);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain('%0A::add-mask::y%0D%0A### Pwned');
      for (const line of notices) oneInertLine(line);
      expect(liveMarkdown(result.summary)).toEqual([]);
      expect(result.summary.split(/\r\n|\r|\n/).filter((line) => line.startsWith('#'))).toEqual(['### release-guard']);
      expect(result.summary).toContain('Pwned');
    }
    expect(emulators.github.control.statuses(full, SHA.a)).toEqual([]);
  });

  it('a gate whose registry answers with workflow commands in its error: one inert line per predecessor', async () => {
    const { act, log } = setup({
      command: 'gate',
      artifact: 'chart',
      version: 'v0.29.0',
      artifacts: `- name: image\n  ref: ${hostileRegistry.host}/a:{version}\n- name: chart\n  ref: ${hostileRegistry.host}/c:{version}\n  after: [image]`,
    });
    const before = log.lines.length;
    const result = await act('push', {});
    const lines = log.lines.slice(before);
    const missing = lines.find((line) => line.startsWith('missing: image'));
    expect(missing).toContain('%0A::stop-commands::pwned%0A::add-mask::y %250A%250D%2525%0A%0D::warning::');
    for (const line of lines) oneInertLine(line);
    expect(result.failures).toHaveLength(1);
    for (const failure of result.failures) {
      oneInertLine(failure);
      for (const word of HOSTILE_REGISTRY_WORDS) expect(failure).toContain(word);
    }
    expect(liveMarkdown(result.summary)).toEqual([]);
  });
});

describe('run(): reconcile', () => {
  it('repairs the pull request named by the input from GitHub’s facts', async () => {
    const { full, open, act, releaseStatus } = setup();
    const pr = open();
    emulators.github.control.submitReview(full, pr.number, { user: 'releaser', state: 'APPROVED' });
    const result = await act('workflow_dispatch', {}, {}, { command: 'reconcile', pullRequest: pr.number });
    expect(result.outputs).toMatchObject({ phase: 'approved', release: 'true' });
    expect(releaseStatus(SHA.a)).toMatchObject({ state: 'pending' });
  });
});
