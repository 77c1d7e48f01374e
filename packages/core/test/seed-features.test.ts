import { readFileSync } from 'node:fs';
import { AstBuilder, compile, GherkinClassicTokenMatcher, Parser } from '@cucumber/gherkin';
import { IdGenerator, type Pickle } from '@cucumber/messages';
import type { Effect, GuardEvent, GuardSnapshot, PullRequest, SetStatusEffect, Step } from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { releasePr, SHA, seedGuard } from './support/fixtures.js';

/**
 * Runs the Gherkin scenarios of the v0.29 postmortem (copied verbatim into ./features) against the guard.
 * The world is one pull request, the guard's snapshot, and a tiny model of GitHub's branch protection:
 * required status contexts plus "approval required". The guard's effects are applied to that model, and
 * whether a pull request can be merged is decided by the model, never by the guard's phase.
 */

const FEATURES = [
  { file: 'out-of-order-guardrails.feature', steps: 9 },
  { file: 'non-release-branches.feature', steps: 6 },
  { file: 'release-branches.feature', steps: 12 },
] as const;

type Status = Pick<SetStatusEffect, 'state' | 'description'>;

interface World {
  guard: ReturnType<typeof seedGuard>;
  snapshot: GuardSnapshot | undefined;
  /** Status contexts branch protection requires on the head. */
  required: Set<string>;
  /** Latest status per `${sha} ${context}`, as set by the guard (or by CI for `build`). */
  statuses: Map<string, Status>;
  approvals: string[];
  /** Every effect the guard returned, in order. */
  effects: Effect[];
  mergedSha: string | undefined;
}

// ---- The world -----------------------------------------------------------------------------------

function newWorld(hasBackground: boolean): World {
  // Without a Background, assume the release-guard set-up: the `release` context is required.
  const required = new Set<string>(hasBackground ? [] : ['release']);
  return {
    guard: seedGuard(),
    snapshot: undefined,
    required,
    statuses: new Map(),
    approvals: [],
    effects: [],
    mergedSha: undefined,
  };
}

function snapshot(world: World): GuardSnapshot {
  if (!world.snapshot) throw new Error('no pull request yet: the scenario must open one first');
  return world.snapshot;
}

const head = (world: World) => snapshot(world).headSha;
const statusOf = (world: World, context: string) => world.statuses.get(`${head(world)} ${context}`);

function setStatus(world: World, sha: string, context: string, { state, description }: Status) {
  world.statuses.set(`${sha} ${context}`, { state, description });
}

/** Why branch protection refuses to merge the head now; empty when it allows it. */
function blockers(world: World): string[] {
  const reasons = [...world.required]
    .filter((context) => statusOf(world, context)?.state !== 'success')
    .map((context) => `${context} is ${statusOf(world, context)?.state ?? 'missing'}`);
  if (world.approvals.length === 0) reasons.push('not approved');
  return reasons;
}

function open(world: World, pr: PullRequest): void {
  const step = world.guard.start(pr);
  world.snapshot = step.snapshot;
  apply(world, step.effects);
}

function feed(world: World, event: GuardEvent): Step {
  const step = world.guard.next(snapshot(world), event);
  world.snapshot = step.snapshot;
  apply(world, step.effects);
  return step;
}

/** Executes the guard's effects against the model of GitHub. */
function apply(world: World, effects: readonly Effect[]): void {
  for (const effect of effects) {
    world.effects.push(effect);
    if (effect.type === 'SET_STATUS') setStatus(world, effect.sha, effect.context, effect);
    if (effect.type === 'MERGE') {
      const refused = effect.sha === head(world) ? blockers(world) : ['head changed'];
      if (refused.length > 0) {
        feed(world, { type: 'MERGE_REJECTED', sha: effect.sha, reason: 'not-mergeable', message: refused.join('; ') });
      } else {
        world.mergedSha = effect.sha;
        feed(world, { type: 'MERGED', sha: effect.sha, by: 'release-bot' });
      }
    }
  }
}

const emitted = <T extends Effect['type']>(world: World, type: T) =>
  world.effects.filter((e): e is Extract<Effect, { type: T }> => e.type === type);

// ---- Step definitions ----------------------------------------------------------------------------

type Definition = [RegExp, (world: World, ...args: string[]) => void];

const STEPS: Definition[] = [
  [
    /^weave-gitops main merges are protected with `(\w+)` status check$/,
    (world, context) => world.required.add(context as string),
  ],
  [
    /^(?:releaser|human) executed prepare-release job with `(v[\d.]+)`$/,
    (world, version) => {
      open(world, releasePr({ headRef: `releases/${version}`, version: version as string }));
      // CI builds the release PR like any other: without it `build` would block the merge whatever the guard did.
      setStatus(world, head(world), 'build', { state: 'success', description: 'CI build passed' });
    },
  ],
  [
    /^release PR is created$/,
    (world) => {
      expect(snapshot(world)).toMatchObject({ kind: 'release', phase: 'prepared' });
      expect(statusOf(world, 'release')?.state).toBe('pending');
    },
  ],
  [
    /^release PR cannot be merged cause not approved$/,
    (world) => {
      expect(world.approvals).toEqual([]);
      expect(blockers(world)).toContain('not approved');
    },
  ],
  [
    /^release PR cannot be merged cause not (?:released|release build passes)$/,
    (world) => expect(blockers(world)).toContain('release is pending'),
  ],
  [
    /^(releaser|human) approves it$/,
    (world, reviewer) => {
      world.approvals.push(reviewer as string);
      feed(world, { type: 'APPROVED', sha: head(world), reviewId: 1, reviewer: reviewer as string, authorized: true });
    },
  ],
  [
    /^release (?:workflow|process) starts$/,
    (world) => {
      expect(emitted(world, 'START_RELEASE')).toEqual([
        { type: 'START_RELEASE', sha: head(world), version: snapshot(world).pr.version },
      ]);
      feed(world, { type: 'RELEASE_STARTED', sha: head(world), runId: 1 });
    },
  ],
  [
    /^(?:release PR cannot be merged as not yet release workflow ended|cannot merge it cause release hasnt happened)$/,
    (world) => expect(blockers(world)).toEqual(['release is pending']),
  ],
  [
    /^release (?:workflow|process) ends$/,
    (world) => {
      const sha = head(world);
      const step = feed(world, { type: 'RELEASE_SUCCEEDED', sha, runId: 1 });
      for (const verify of step.effects.filter((e) => e.type === 'VERIFY_ARTIFACTS')) {
        for (const { name } of verify.artifacts)
          feed(world, { type: 'ARTIFACT_VERIFIED', sha, name, digest: 'sha256:1' });
      }
    },
  ],
  [/^release check passes$/, (world) => expect(statusOf(world, 'release')?.state).toBe('success')],
  [
    /^release (?:PR|branch) is merged by (?:release )?bot$/,
    (world) => {
      expect(emitted(world, 'MERGE').map((e) => e.sha)).toEqual([head(world)]);
      expect(world.mergedSha).toBe(head(world));
      expect(snapshot(world)).toMatchObject({ phase: 'merged', violations: [] });
    },
  ],
  [
    /^a non release pr$/,
    (world) => {
      open(world, { number: 6, headRef: 'feature/validation-poc', headSha: SHA.a, baseRef: 'main', fromFork: false });
      expect(snapshot(world)).toMatchObject({ kind: 'not-release', phase: 'skipped' });
    },
  ],
  [/^build$/, (world) => setStatus(world, head(world), 'build', { state: 'success', description: 'CI build passed' })],
  [/^CI workflow {2}passes$/, (world) => expect(statusOf(world, 'build')?.state).toBe('success')],
  [
    /^I could merge$/,
    (world) => {
      expect(statusOf(world, 'release')).toEqual({ state: 'success', description: 'release not required' });
      expect(blockers(world)).toEqual(['not approved']);
      // Approve as usual: the guard stays out of the way, and nothing else blocks the merge.
      world.approvals.push('maintainer');
      const step = feed(world, {
        type: 'APPROVED',
        sha: head(world),
        reviewId: 1,
        reviewer: 'maintainer',
        authorized: true,
      });
      expect(step.effects).toEqual([]);
      expect(blockers(world)).toEqual([]);
      expect(world.effects.map((e) => e.type)).toEqual(['SET_STATUS']);
    },
  ],
];

/** Runs one step; an undefined or ambiguous step throws with its text. Returns the definition's index. */
function runStep(world: World, text: string): number {
  const matches = STEPS.flatMap(([pattern, run], index) => {
    const match = pattern.exec(text);
    return match ? [{ index, run: () => run(world, ...match.slice(1)) }] : [];
  });
  const [only, ...others] = matches;
  if (!only) throw new Error(`Undefined step: "${text}"`);
  if (others.length > 0) throw new Error(`Ambiguous step: "${text}" matches ${matches.length} definitions`);
  only.run();
  return only.index;
}

// ---- Gherkin -------------------------------------------------------------------------------------

function parseFeature(source: string, uri: string) {
  const newId = IdGenerator.incrementing();
  const document = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(source);
  const hasBackground = document.feature?.children.some((child) => child.background) ?? false;
  return { name: document.feature?.name ?? uri, hasBackground, pickles: compile(document, uri, newId) };
}

/** Runs every step of a scenario (Background steps included) in a fresh world. */
function runPickle(pickle: Pickle, hasBackground: boolean): { step: string; definition: number }[] {
  const world = newWorld(hasBackground);
  return pickle.steps.map((step) => ({ step: step.id, definition: runStep(world, step.text) }));
}

describe('seed postmortem features', () => {
  for (const { file, steps } of FEATURES) {
    const source = readFileSync(new URL(`./features/${file}`, import.meta.url), 'utf8');
    const { name, hasBackground, pickles } = parseFeature(source, file);
    it(`${name}: ${pickles.map((p) => p.name || '(unnamed scenario)').join(' / ')}`, () => {
      const executed = pickles.flatMap((pickle) => runPickle(pickle, hasBackground));
      expect(executed).toHaveLength(steps);
      // Every step ran exactly once, in order, each matched by exactly one definition (runStep throws otherwise).
      expect(executed.map((e) => e.step)).toEqual(pickles.flatMap((p) => p.steps.map((s) => s.id)));
    });
  }

  it('fails on an undefined step, naming it', () => {
    const { pickles } = parseFeature('Feature: f\n  Scenario: s\n    Given the release ships by carrier pigeon\n', 'x');
    expect(() => runPickle(pickles[0] as Pickle, false)).toThrow(
      'Undefined step: "the release ships by carrier pigeon"',
    );
  });
});
