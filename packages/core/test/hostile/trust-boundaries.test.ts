import {
  createGuard,
  type Effect,
  EVENT_TYPES,
  fillRef,
  type Guard,
  type GuardConfig,
  GuardConfigError,
  type GuardEvent,
  GuardEventError,
  type GuardFacts,
  type GuardSnapshot,
  GuardStateError,
  type InputIssue,
  inertMarkdown,
  type Phase,
  type PullRequest,
  parseEvent,
  renderTimeline,
  type Step,
} from '@release-guard/core';
import { decodeEntities, guardEvent, hostileText as hostileTextOf, liveMarkdown } from '@release-guard/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksum } from '../../src/serialize.js';
import { truncate } from '../../src/text.js';
import {
  type CorpusCase,
  deepFreeze,
  deletePath,
  expand,
  loadCorpus,
  longStrings,
  setPath,
  textOf,
} from '../support/hostile-corpus.js';

const SHA = 'a'.repeat(40);
const OTHER = 'b'.repeat(40);
const PR: PullRequest = {
  number: 3906,
  headRef: 'releases/v0.29.0',
  headSha: SHA,
  baseRef: 'main',
  fromFork: false,
  version: 'v0.29.0',
  versions: { chart: '4.0.27' },
  releasers: ['release-manager'],
};

/** No artifacts: a succeeded release unlocks at once. */
const guard = createGuard();
/** The seed's image, verified before unlock. */
const imageGuard = createGuard({ artifacts: [{ name: 'image', ref: 'ghcr.io/weaveworks/wego-app:{version}' }] });

const approve: GuardEvent = { type: 'APPROVED', sha: SHA, reviewId: 1, reviewer: 'maintainer', authorized: true };
const started: GuardEvent = { type: 'RELEASE_STARTED', sha: SHA, runId: 5 };
const succeeded: GuardEvent = { type: 'RELEASE_SUCCEEDED', sha: SHA, runId: 5 };

function steps(g: Guard, events: readonly GuardEvent[], pr: PullRequest = PR): Step[] {
  const all = [g.start(pr)];
  for (const event of events) all.push(g.next((all.at(-1) as Step).snapshot, event));
  return all;
}
const after = (events: readonly GuardEvent[], pr: PullRequest = PR) =>
  (steps(guard, events, pr).at(-1) as Step).snapshot;

/** A snapshot in every phase, frozen: nothing may write to a snapshot it is given. */
const BASES: Readonly<Record<Phase, GuardSnapshot>> = deepFreeze({
  prepared: after([]),
  approved: after([approve]),
  releasing: after([approve, started]),
  released: after([approve, started, succeeded]),
  failed: after([approve, { type: 'RELEASE_FAILED', sha: SHA, runId: 5, reason: 'the job failed' }]),
  closed: after([{ type: 'CLOSED' }]),
  merged: after([approve, started, succeeded, { type: 'MERGED', sha: SHA, by: 'release-bot' }]),
  skipped: after([], { ...PR, headRef: 'feature/x' }),
});
const FROZEN = Object.values(BASES);

type InputErrorClass = typeof GuardConfigError | typeof GuardEventError | typeof GuardStateError;

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * `error` is an `ErrorClass` whose issues are well-formed and listed in its message, and among them
 * are issues at every path of `paths`.
 */
function expectIssues(error: unknown, ErrorClass: InputErrorClass, paths: readonly string[] = []): InputIssue[] {
  expect(error).toBeInstanceOf(ErrorClass);
  const { issues, message, name } = error as InstanceType<InputErrorClass>;
  expect(name).toBe(ErrorClass.name);
  expect(issues.length).toBeGreaterThan(0);
  for (const issue of issues) {
    expect(typeof issue.path).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
    expect(message).toContain(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
  expect(issues.map((issue) => issue.path)).toEqual(expect.arrayContaining([...paths]));
  return [...issues];
}

/** A message quotes at most a short prefix of a value, never a long value whole. */
function expectNoEcho(error: unknown, input: unknown): void {
  const { message } = error as Error;
  for (const text of longStrings(input)) expect(message.includes(text)).toBe(false);
}

function describeCorpus(cases: readonly CorpusCase[], minimum: number): void {
  it(`holds at least ${minimum} cases, each with a one-line description`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(minimum);
    for (const entry of cases) {
      expect(typeof entry.description, entry.file).toBe('string');
      expect(entry.description, entry.file).toMatch(/^[^\n]{10,120}$/);
    }
    expect(new Set(cases.map((c) => c.description)).size).toBe(cases.length);
  });
}

// ---- Events --------------------------------------------------------------------------------------

describe('hostile events: parseEvent and guard.next', () => {
  const cases = loadCorpus('events');
  describeCorpus(cases, 40);

  for (const entry of cases) {
    it(`${entry.file}: ${entry.description}`, () => {
      const event = expand(entry.event);
      const error = thrown(() => parseEvent(event));
      const issues = expectIssues(error, GuardEventError, entry.issues as string[]);
      expectNoEcho(error, event);
      for (const snapshot of FROZEN) {
        const before = guard.serialize(snapshot);
        const again = thrown(() => guard.next(snapshot, event as GuardEvent));
        expect(expectIssues(again, GuardEventError)).toEqual(issues);
        expect(guard.serialize(snapshot)).toBe(before);
      }
    });
  }
});

// ---- Configuration -------------------------------------------------------------------------------

describe('hostile configuration: createGuard', () => {
  const cases = loadCorpus('config');
  describeCorpus(cases, 40);

  for (const entry of cases) {
    it(`${entry.file}: ${entry.description}`, () => {
      const config = expand(entry.config) as GuardConfig;
      if (entry.startIssues === undefined) {
        const error = thrown(() => createGuard(config));
        expectIssues(error, GuardConfigError, entry.issues as string[]);
        expectNoEcho(error, config);
        return;
      }
      // A valid configuration whose refs the pull request cannot fill: start refuses, names the key.
      const configured = createGuard(config);
      const { version: _version, versions: _versions, ...bare } = PR;
      const pr = { ...bare, ...(expand(entry.pr) as Partial<PullRequest>) };
      expectIssues(
        thrown(() => configured.start(pr)),
        GuardEventError,
        entry.startIssues as string[],
      );
    });
  }

  it('fills ref placeholders from the pull request’s own versions only', () => {
    const configured = createGuard({ artifacts: [{ name: 'image', ref: 'ghcr.io/a:{constructor}-{toString}' }] });
    const step = configured.start({ ...PR, versions: { constructor: 'c1', toString: 't2' } });
    let snapshot = step.snapshot;
    const effects: Effect[] = [];
    for (const event of [approve, started, succeeded]) {
      const next = configured.next(snapshot, event);
      snapshot = next.snapshot;
      effects.push(...next.effects);
    }
    const verify = effects.find((e) => e.type === 'VERIFY_ARTIFACTS');
    expect(verify).toMatchObject({ artifacts: [{ name: 'image', ref: 'ghcr.io/a:c1-t2' }] });
  });
});

// ---- The stored snapshot -------------------------------------------------------------------------

/** The text a snapshot case describes: raw text, or a base snapshot's serialization, edited. */
function snapshotText(entry: CorpusCase): string {
  if (entry.text !== undefined) return textOf(entry.text);
  let text = guard.serialize(BASES[entry.base as Phase]);
  if (entry.set !== undefined || entry.delete !== undefined) {
    const document = JSON.parse(text) as Record<string, unknown>;
    for (const [path, value] of Object.entries(entry.set ?? {}))
      expect(setPath(document, path, expand(value))).toBe(true);
    for (const path of (entry.delete ?? []) as string[]) expect(deletePath(document, path)).toBe(true);
    // What a hand edit does when its author read serialize.ts: the checksum is not a signature.
    if (entry.checksum === 'recompute') document.checksum = checksum(JSON.stringify(document.snapshot));
    text = JSON.stringify(document);
  }
  const edit = (entry.textEdit ?? {}) as {
    keepFraction?: number;
    dropLast?: number;
    prefix?: string;
    replace?: [string, string];
  };
  if (edit.keepFraction !== undefined) text = text.slice(0, Math.floor(text.length * edit.keepFraction));
  if (edit.dropLast !== undefined) text = text.slice(0, -edit.dropLast);
  if (edit.prefix !== undefined) text = edit.prefix + text;
  if (edit.replace !== undefined) {
    expect(text).toContain(edit.replace[0]);
    text = text.replace(edit.replace[0], edit.replace[1]);
  }
  return text;
}

describe('hostile stored snapshots: guard.restore', () => {
  const cases = loadCorpus('snapshots');
  describeCorpus(cases, 30);

  it('every base snapshot restores exactly (the edits below start from real snapshots)', () => {
    for (const [phase, snapshot] of Object.entries(BASES)) {
      expect(snapshot.phase).toBe(phase);
      expect(guard.restore(guard.serialize(snapshot))).toEqual(snapshot);
    }
  });

  for (const entry of cases) {
    it(`${entry.file}: ${entry.description}`, () => {
      const text = snapshotText(entry);
      const error = thrown(() => guard.restore(text));
      expectIssues(error, GuardStateError, entry.issues as string[]);
      expect((error as Error).message.length).toBeLessThan(2_000);
    });
  }
});

// ---- A stored snapshot against GitHub's facts ----------------------------------------------------

/** How far towards the merge a phase is; a reconciled phase may never be further than the facts allow. */
const PROGRESS: Readonly<Record<Phase, number>> = {
  prepared: 0,
  failed: 0,
  closed: 0,
  approved: 1,
  releasing: 2,
  released: 3,
  merged: 4,
  skipped: 4,
};
/** Phases in which the release check is green or the pull request merged. */
const UNLOCKED: readonly Phase[] = ['released', 'merged', 'skipped'];

/** Effects that move a release forward: starting it, unlocking the check, merging. */
function forward(step: Step): string[] {
  return step.effects.flatMap((effect) => {
    if (effect.type === 'MERGE' || effect.type === 'START_RELEASE') return [`${effect.type} ${effect.sha}`];
    if (effect.type === 'SET_STATUS' && effect.state === 'success') return [`success ${effect.sha}`];
    return [];
  });
}

describe('a forged stored snapshot loses to GitHub’s facts: guard.reconcile', () => {
  const cases = loadCorpus('reconcile');
  describeCorpus(cases, 8);

  for (const entry of cases) {
    it(`${entry.file}: ${entry.description}`, () => {
      const g = entry.config === 'image' ? imageGuard : guard;
      // The forgery is consistent and its checksum recomputed: restore cannot tell, reconcile must.
      const stored = deepFreeze(g.restore(snapshotText({ ...entry, checksum: 'recompute' })));
      const before = g.serialize(stored);
      const facts = { pr: { ...PR, state: 'open' }, ...(expand(entry.facts) as object) } as GuardFacts;
      const truth = g.reconcile(undefined, facts);
      const step = g.reconcile(stored, facts);
      expect(PROGRESS[step.snapshot.phase]).toBeLessThanOrEqual(PROGRESS[truth.snapshot.phase]);
      if (UNLOCKED.includes(step.snapshot.phase)) expect(step.snapshot.phase).toBe(truth.snapshot.phase);
      for (const effect of forward(step)) expect(forward(truth)).toContain(effect);
      expect(step.snapshot.kind).toBe(truth.snapshot.kind);
      expect(g.serialize(stored)).toBe(before);
      expect(g.restore(g.serialize(step.snapshot))).toEqual(step.snapshot);
    });
  }
});

// ---- Markdown and HTML injection ------------------------------------------------------------------

/** Every guard matches every branch here, so a hostile branch name is a release pull request. */
const anyBranch = createGuard({ releaseBranch: '**' });

/** Where text from outside reaches the timeline: the field, and the events that carry it there. */
const SINKS: readonly { field: string; run: (text: string) => Step[] }[] = [
  { field: 'headRef', run: (text) => steps(anyBranch, [approve], { ...PR, headRef: text }) },
  { field: 'reviewer', run: (text) => steps(anyBranch, [{ ...approve, reviewer: text } as GuardEvent]) },
  {
    field: 'reason',
    run: (text) => steps(anyBranch, [approve, { type: 'RELEASE_FAILED', sha: SHA, runId: 5, reason: text }]),
  },
  {
    field: 'message',
    run: (text) =>
      steps(anyBranch, [
        approve,
        started,
        succeeded,
        { type: 'MERGE_REJECTED', sha: SHA, reason: 'forbidden', message: text },
      ]),
  },
  { field: 'by', run: (text) => steps(anyBranch, [{ type: 'MERGED', sha: SHA, by: text }]) },
  {
    field: 'name',
    run: (text) => steps(anyBranch, [approve, { type: 'ARTIFACT_MISSING', sha: SHA, name: text, reason: 'gone' }]),
  },
  { field: 'at', run: (text) => steps(anyBranch, [{ ...approve, at: text } as GuardEvent]) },
];

const OWN = { ownLines: ['> [!WARNING]'] };

/** The Markdown the guard renders for a run of steps is inert, and shaped as the renderer shapes it. */
function expectInertTimeline(run: readonly Step[]): void {
  const final = (run.at(-1) as Step).snapshot;
  const bodies = run.flatMap((step) => step.effects.flatMap((e) => (e.type === 'COMMENT' ? [e.body] : [])));
  for (const markdown of [...bodies, renderTimeline(final)]) expect(liveMarkdown(markdown, OWN)).toEqual([]);
  const lines = renderTimeline(final).split('\n');
  const warnings = final.violations.length > 0 ? 2 + final.violations.length : 0;
  expect(lines).toHaveLength(6 + final.timeline.length + warnings);
  expect((lines[2]?.match(/`/g) ?? []).length).toBe(4);
  for (const step of run) {
    for (const effect of step.effects) {
      if (effect.type === 'ALERT') expect(liveMarkdown(inertMarkdown(effect.reason, 1000))).toEqual([]);
    }
  }
}

/** `inertMarkdown` loses nothing but layout: decoded and without the inserted breaks, it is the text. */
function expectLossless(text: string, max = 300): void {
  const shown = decodeEntities(inertMarkdown(text, max)).replace(/\u200b/g, '');
  expect(shown).toBe(truncate(text, max).replace(/\u200b/g, ''));
}

describe('hostile text in Markdown: renderTimeline and inertMarkdown', () => {
  const cases = loadCorpus('markdown');
  describeCorpus(cases, 20);

  for (const entry of cases) {
    it(`${entry.file}: ${entry.description}`, () => {
      const text = entry.text as string;
      expect(liveMarkdown(inertMarkdown(text))).toEqual([]);
      expect(inertMarkdown(text)).not.toMatch(/\n/);
      expectLossless(text);
      let rendered = 0;
      for (const sink of SINKS) {
        const error = thrown(() => sink.run(text));
        if (error !== undefined) {
          // Refused rather than rendered: only for the field that carried the text.
          expect(expectIssues(error, GuardEventError).map((i) => i.path)).toEqual([sink.field]);
          continue;
        }
        expectInertTimeline(sink.run(text));
        rendered++;
      }
      expect(rendered).toBeGreaterThan(0);
    });
  }

  it('a valid branch name full of HTML stays inside its code span', () => {
    const run = steps(anyBranch, [], { ...PR, headRef: 'releases/<img/src=x/onerror=alert(1)>' });
    const line = renderTimeline((run.at(-1) as Step).snapshot).split('\n')[2] ?? '';
    expect(line).toMatch(/^Release branch `releases\/<img\/src=x\/onerror=alert\(1\)>` at `aaaaaaa`\.$/);
  });
});

// ---- Fuzzing ---------------------------------------------------------------------------------------

const RUNS = { numRuns: 150 };

/** Any JavaScript value, with the shapes a careless caller or a hostile payload could hand over. */
const anything = fc.anything({
  maxDepth: 3,
  key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'type', 'sha', 'toString')),
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

/** Text built from the pieces Markdown, HTML and GitHub give meaning to. */
const hostileText = hostileTextOf();

/** Fields of guard events, and keys that are not. */
const EVENT_KEYS = [
  'type',
  'sha',
  'reviewId',
  'reviewer',
  'authorized',
  'runId',
  'reason',
  'name',
  'digest',
  'by',
  'message',
  'groupSha',
  'at',
  'extra',
  '__proto__',
  'constructor',
];

/** An event with one field set to anything, or removed. */
const nearEvent = fc
  .tuple(guardEvent({ queue: true }), fc.constantFrom(...EVENT_KEYS), fc.option(anything, { nil: undefined, freq: 5 }))
  .map(([event, key, value]) => {
    const copy = { ...event } as Record<string, unknown>;
    if (value === undefined) delete copy[key];
    else Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
    return { event: copy, key, removed: value === undefined };
  });

/** Fails unless `run` returns or throws an `ErrorClass` (whose issues are listed in its message). */
function returnsOr<T>(ErrorClass: InputErrorClass, run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    expectIssues(error, ErrorClass);
    return undefined;
  }
}

/**
 * Forged snapshots (a base snapshot with up to three fields set to anything or removed, its checksum
 * recomputed) that `guard.restore` accepts are ones the guard can run on: any event gives a snapshot
 * that restores again.
 */
function assertForgedSnapshotsRun(parameters: fc.Parameters<[string, GuardEvent]>): void {
  const paths = (value: unknown, prefix = ''): string[] =>
    typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([key, entry]) => {
          const path = prefix ? `${prefix}.${key}` : key;
          return [path, ...paths(entry, path)];
        })
      : [];
  const forged = fc
    .constantFrom(...FROZEN)
    .chain((base) => {
      const document = JSON.parse(guard.serialize(base)) as { snapshot: Record<string, unknown> };
      const value = fc.oneof(
        fc.jsonValue({ maxDepth: 2 }),
        hostileText,
        fc.constantFrom(SHA, OTHER, 'released', 'merged', 'release', 'succeeded', 'requested', '7', 1, 0, -1),
      );
      return fc.tuple(
        fc.constant(document),
        fc.array(fc.tuple(fc.constantFrom(...paths(document.snapshot)), fc.option(value, { nil: undefined })), {
          minLength: 1,
          maxLength: 3,
        }),
      );
    })
    .map(([document, edits]) => {
      const copy = structuredClone(document);
      for (const [path, value] of edits) {
        if (value === undefined) deletePath(copy.snapshot, path);
        else setPath(copy.snapshot, path, value);
      }
      const body = JSON.stringify(copy.snapshot);
      return `{"schema":"release-guard/snapshot","version":1,"checksum":"${checksum(body)}","snapshot":${body}}`;
    });
  fc.assert(
    fc.property(forged, guardEvent({ queue: true }), (text, event) => {
      const restored = returnsOr(GuardStateError, () => guard.restore(text));
      if (restored === undefined) return;
      deepFreeze(restored);
      expect(guard.restore(guard.serialize(restored))).toEqual(restored);
      expect(() => renderTimeline(restored)).not.toThrow();
      const step = guard.next(restored, event);
      expect(guard.restore(guard.serialize(step.snapshot))).toEqual(step.snapshot);
    }),
    parameters,
  );
}

describe('fuzzing the trust boundaries with fast-check', () => {
  it('parseEvent: anything is an event or a GuardEventError', () => {
    fc.assert(
      fc.property(anything, (value) => {
        const event = returnsOr(GuardEventError, () => parseEvent(value));
        if (event !== undefined) expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event);
      }),
      RUNS,
    );
  });

  it('parseEvent: an event with one field wrong names that field', () => {
    fc.assert(
      fc.property(nearEvent, ({ event, key, removed }) => {
        const error = thrown(() => parseEvent(event));
        if (error === undefined) return;
        const paths = expectIssues(error, GuardEventError).map((i) => i.path);
        if (key !== 'type' && !removed) expect(paths).toContain(key);
      }),
      RUNS,
    );
  });

  it('guard.next: from a frozen snapshot in any phase, anything is a step or a GuardEventError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FROZEN),
        fc.oneof(
          anything,
          nearEvent.map((n) => n.event),
        ),
        (snapshot, event) => {
          const before = guard.serialize(snapshot);
          const step = returnsOr(GuardEventError, () => guard.next(snapshot, event as GuardEvent));
          expect(guard.serialize(snapshot)).toBe(before);
          if (step !== undefined) expect(guard.restore(guard.serialize(step.snapshot))).toEqual(step.snapshot);
        },
      ),
      RUNS,
    );
  });

  it('guard.next: well-formed events carrying hostile text never throw, and the timeline stays inert', () => {
    const textEvent = fc.tuple(guardEvent({ queue: true }), hostileText).map(([event, text]): GuardEvent => {
      const copy = { ...event } as Record<string, unknown>;
      // Within every field's length limit: these events are well-formed, only their text is hostile.
      for (const key of ['reviewer', 'reason', 'message', 'by', 'name']) {
        // A merge refusal's reason is one of four words, not text.
        if (key in copy && !(key === 'reason' && event.type === 'MERGE_REJECTED')) copy[key] = text.slice(0, 60) || 'x';
      }
      return copy as unknown as GuardEvent;
    });
    fc.assert(
      fc.property(fc.constantFrom(...FROZEN), fc.array(textEvent, { maxLength: 4 }), (snapshot, events) => {
        const before = guard.serialize(snapshot);
        const run: Step[] = [{ snapshot, effects: [] }];
        for (const event of events) run.push(anyBranch.next((run.at(-1) as Step).snapshot, event));
        expect(guard.serialize(snapshot)).toBe(before);
        if (snapshot.kind === 'release') expectInertTimeline(run);
      }),
      RUNS,
    );
  });

  it('createGuard: anything is a guard or a GuardConfigError', () => {
    fc.assert(
      fc.property(anything, (config) => {
        returnsOr(GuardConfigError, () => createGuard(config as GuardConfig));
      }),
      RUNS,
    );
  });

  it('createGuard: near-valid configurations are a guard or a GuardConfigError naming an artifact field', () => {
    const name = fc.constantFrom('image', 'chart', 'docs', '__proto__', 'constructor', '');
    const artifact = fc.record(
      {
        name,
        ref: fc.oneof(hostileText, fc.constantFrom('ghcr.io/a:{version}', 'r:{chart}', 'r:{constructor}', 'r:{')),
        after: fc.array(name, { maxLength: 3 }),
        onMerge: fc.oneof(fc.boolean(), anything),
      },
      { requiredKeys: ['name', 'ref'] },
    );
    const config = fc.record(
      {
        releaseBranch: fc.oneof(hostileText, fc.constantFrom('releases/*', 'releases/**', 'v?')),
        statusContext: hostileText,
        mergeMethod: fc.constantFrom('merge', 'squash', 'rebase', 'ff', '__proto__'),
        artifacts: fc.array(artifact, { maxLength: 4 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(config, (value) => {
        const configured = returnsOr(GuardConfigError, () => createGuard(value as GuardConfig));
        if (configured === undefined) return;
        const step = returnsOr(GuardEventError, () => configured.start(PR));
        if (step === undefined) return;
        // A release pull request starts only when every artifact it will verify has a complete ref.
        if (step.snapshot.kind === 'release') {
          for (const artifact of configured.settings.artifacts) expect(fillRef(artifact.ref, PR).missing).toEqual([]);
        }
        expect(configured.restore(configured.serialize(step.snapshot))).toEqual(step.snapshot);
      }),
      RUNS,
    );
  });

  it('guard.restore: any text or JSON is a snapshot or a GuardStateError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), anything), (text) => {
        returnsOr(GuardStateError, () => guard.restore(text as string));
      }),
      RUNS,
    );
  });

  it('guard.restore: a serialized snapshot cut, spliced or flipped is rejected or restores to a snapshot', () => {
    const edit = fc.record({
      base: fc.constantFrom(...FROZEN),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      cut: fc.nat(40),
      insert: fc.oneof(fc.string({ maxLength: 4 }), hostileText),
    });
    fc.assert(
      fc.property(edit, ({ base, at, cut, insert }) => {
        const text = guard.serialize(base);
        const i = Math.floor(at * text.length);
        const edited = text.slice(0, i) + insert + text.slice(i + cut);
        const restored = returnsOr(GuardStateError, () => guard.restore(edited));
        if (restored !== undefined) expect(guard.serialize(restored)).toBe(guard.serialize(base));
      }),
      RUNS,
    );
  });

  it('guard.restore: a forged snapshot with a recomputed checksum that restores is one the guard can run on', () => {
    assertForgedSnapshotsRun(RUNS);
  });

  it('guard.restore: seed 31337 forged a release pull request on a branch that is not a release branch', () => {
    // Restored, its head change recognised the branch again (not a release) and kept a release phase.
    assertForgedSnapshotsRun({ seed: 31337, path: '11:3:1:1:1:1', endOnFailure: true });
  });

  it('guard.reconcile: anything as facts is a step or a GuardEventError, and the stored snapshot is untouched', () => {
    const facts = fc.oneof(
      anything,
      fc.record({
        pr: fc.oneof(anything, fc.constant({ ...PR, state: 'open' })),
        approvals: fc.oneof(anything, fc.array(anything, { maxLength: 2 })),
        releaseRuns: fc.oneof(anything, fc.array(anything, { maxLength: 2 })),
      }),
    );
    fc.assert(
      fc.property(fc.option(fc.constantFrom(...FROZEN), { nil: undefined }), facts, (stored, value) => {
        const before = stored && guard.serialize(stored);
        returnsOr(GuardEventError, () => guard.reconcile(stored, value as GuardFacts));
        if (stored) expect(guard.serialize(stored)).toBe(before);
      }),
      RUNS,
    );
  });

  it('inertMarkdown: any text comes out inert, on one line, and loses nothing but layout', () => {
    fc.assert(
      fc.property(
        fc.oneof(hostileText, fc.string({ unit: 'binary' })),
        fc.integer({ min: 1, max: 300 }),
        (text, max) => {
          const inert = inertMarkdown(text, max);
          expect(liveMarkdown(inert)).toEqual([]);
          expect(inert).not.toMatch(/[\n\r\u2028\u2029]/);
          expectLossless(text, max);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('every event type appears in the fuzzed events', () => {
    const seen = new Set(fc.sample(guardEvent({ queue: true }), 2_000).map((e) => e.type));
    expect([...seen].sort()).toEqual([...EVENT_TYPES].sort());
  });
});
