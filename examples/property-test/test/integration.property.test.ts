import { createGuard, type GuardEvent, LIVE_PHASES, type Phase, type PullRequest } from '@release-guard/core';
import {
  checkInvariants,
  completionProblem,
  DEFAULT_SHAS,
  eventSequence,
  guardEvent,
  InvariantMonitor,
  type InvariantViolation,
  runEvents,
} from '@release-guard/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CiDelivery, type CiPayload, Inbox, type Permission, type Translate, translate } from '../integration.js';
import { approvesTheHead, trustsThePipeline } from './buggy-translations.js';

/** Runs per property; `PROPERTY_RUNS` raises it for a longer hunt. */
const RUNS = Math.max(200, Number(process.env.PROPERTY_RUNS ?? 0));

const guard = createGuard({ artifacts: [{ name: 'image', ref: 'registry.example.com/acme/app:{version}' }] });
const PR: PullRequest = {
  number: 7,
  headRef: 'releases/v1.2.0',
  headSha: DEFAULT_SHAS[0] as string,
  baseRef: 'main',
  fromFork: false,
  version: 'v1.2.0',
};

// ---- The CI's side: what it sends when something happens ----------------------------------------

const RELEASERS: readonly Permission[] = ['admin', 'maintain', 'write'];
const OTHERS: readonly Permission[] = ['triage', 'read'];

/** What our CI sends when `event` happens: the inverse of `translate`, written from the CI's documentation. */
function toPayload(event: GuardEvent): CiPayload {
  switch (event.type) {
    case 'HEAD_CHANGED':
      return { kind: 'push', after: event.sha };
    case 'APPROVED': {
      const pool = event.authorized ? RELEASERS : OTHERS;
      const n = typeof event.reviewId === 'number' ? event.reviewId : event.reviewId.length;
      const permission = pool[n % pool.length] as Permission;
      const { reviewId, reviewer: author, sha: commit } = event;
      return { kind: 'review', action: 'approved', reviewId, author, permission, commit };
    }
    case 'APPROVAL_DISMISSED':
      return { kind: 'review', action: 'dismissed', reviewId: event.reviewId, author: event.reviewer };
    case 'RELEASE_STARTED':
    case 'RELEASE_SUCCEEDED': {
      const status = event.type === 'RELEASE_STARTED' ? 'started' : 'passed';
      return { kind: 'pipeline', pipeline: 'release', status, commit: event.sha, build: event.runId };
    }
    case 'RELEASE_FAILED':
      return {
        kind: 'pipeline',
        pipeline: 'release',
        status: 'failed',
        commit: event.sha,
        build: event.runId,
        log: event.reason,
      };
    case 'ARTIFACT_VERIFIED':
      return { kind: 'registry', found: true, commit: event.sha, artifact: event.name, digest: event.digest };
    case 'ARTIFACT_MISSING':
      return { kind: 'registry', found: false, commit: event.sha, artifact: event.name, detail: event.reason };
    case 'MERGED':
      return { kind: 'merge', result: 'merged', commit: event.sha, by: event.by };
    case 'MERGE_REJECTED':
      return { kind: 'merge', result: 'rejected', commit: event.sha, reason: event.reason, message: event.message };
    case 'CLOSED':
      return { kind: 'pull_request', action: 'closed' };
    case 'REOPENED':
      return { kind: 'pull_request', action: 'reopened', head: event.sha };
    case 'RETRY':
      return { kind: 'command', command: 'retry' };
    case 'TIMED_OUT':
      return { kind: 'sweep', overdue: event.sha };
    case 'ENQUEUED':
    case 'DEQUEUED':
    case 'MERGE_GROUP':
      // The histories drawn here have no merge queue (`eventSequence` without `{ queue: true }`).
      throw new Error(`our CI has no merge queue, and sends nothing for ${event.type}`);
  }
}

// ---- Scenarios: histories of guard events, delivered as CI webhooks, with redeliveries and noise ----

/** After the delivery at `after`, deliver an earlier webhook again, or a webhook of another pipeline. */
interface Extra {
  after: number;
  kind: 'redelivery' | 'other-pipeline';
  pick: number;
}

interface Scenario {
  events: GuardEvent[];
  extras: Extra[];
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  events: eventSequence({ artifacts: ['image'] }),
  extras: fc.array(
    fc.record({ after: fc.nat(), kind: fc.constantFrom('redelivery', 'other-pipeline'), pick: fc.nat() }),
    { maxLength: 10 },
  ),
});

interface Outcome {
  inbox: Inbox;
  /** The monitor that judged the deliveries, to go on judging more. */
  monitor: InvariantMonitor;
  /** The invariants broken, checked against the events that really happened. */
  violations: InvariantViolation[];
  /** Redeliveries and other pipelines' webhooks that changed something. */
  noise: string[];
  phases: Set<Phase>;
  merges: number;
}

/**
 * Sends the scenario's events through an inbox using `translation`, as CI webhooks. The monitor is
 * given each event as it happened (not as the inbox translated it) and the inbox's step for it, so a
 * translation that changes what an event means is judged by what really happened.
 */
function runThrough(translation: Translate, { events, extras }: Scenario): Outcome {
  const inbox = new Inbox({ guard, pr: PR, translate: translation });
  const monitor = new InvariantMonitor(guard, PR);
  const violations = monitor.start(inbox.opened);
  const noise: string[] = [];
  const phases = new Set<Phase>([inbox.opened.snapshot.phase]);
  const sent: CiDelivery[] = [];
  let merges = 0;
  events.forEach((event, i) => {
    // The same event twice in a row is the CI redelivering its webhook: same delivery id.
    const redelivered = i > 0 && JSON.stringify(events[i - 1]) === JSON.stringify(event);
    const delivery = { id: redelivered ? (sent.at(-1) as CiDelivery).id : `delivery-${i}`, payload: toPayload(event) };
    sent.push(delivery);
    const step = inbox.receive(delivery);
    violations.push(...monitor.deliver(event, step));
    phases.add(step.snapshot.phase);
    merges += step.effects.filter((e) => e.type === 'MERGE').length;

    for (const extra of extras.filter((x) => x.after % events.length === i)) {
      const extraDelivery: CiDelivery =
        extra.kind === 'redelivery'
          ? (sent[extra.pick % sent.length] as CiDelivery)
          : {
              id: `lint-${i}-${extra.pick}`,
              payload: {
                kind: 'pipeline',
                pipeline: 'lint',
                status: 'passed',
                commit: step.snapshot.headSha,
                build: i,
              },
            };
      const before = inbox.snapshot;
      const echo = inbox.receive(extraDelivery);
      if (echo.effects.length > 0 || echo.snapshot !== before) {
        noise.push(`${extra.kind} ${extraDelivery.id} after delivery ${i} changed the state or asked for effects`);
      }
    }
  });
  violations.push(...monitor.checkLiveness(inbox.snapshot));
  return { inbox, monitor, violations, noise, phases, merges };
}

/**
 * What a maintainer and the CI do to finish a release from wherever it stands (the path
 * `completionProblem` drives the guard along), sent through the inbox as webhooks and judged by the
 * same monitor. Returns whether the guard merged the head and the merge landed cleanly.
 */
function finishThroughInbox({ inbox, monitor, violations }: Outcome): boolean {
  const sha = inbox.snapshot.headSha;
  const events: GuardEvent[] = [
    ...(inbox.snapshot.phase === 'closed' ? [{ type: 'REOPENED', sha } as const] : []),
    { type: 'MERGE_REJECTED', sha, reason: 'not-mergeable', message: 'checks pending' },
    { type: 'APPROVED', sha, reviewId: 'finish', reviewer: 'maintainer', authorized: true },
    { type: 'RETRY' },
    { type: 'RELEASE_STARTED', sha, runId: 'finish' },
    { type: 'RELEASE_SUCCEEDED', sha, runId: 'finish' },
    { type: 'ARTIFACT_VERIFIED', sha, name: 'image', digest: `sha256:${'f'.repeat(64)}` },
    { type: 'MERGE_REJECTED', sha, reason: 'not-mergeable', message: 'checks pending again' },
    { type: 'RETRY' },
  ];
  let merge = false;
  const deliver = (event: GuardEvent, i: number) => {
    const step = inbox.receive({ id: `finish-${i}`, payload: toPayload(event) });
    violations.push(...monitor.deliver(event, step));
    merge ||= step.effects.some((e) => e.type === 'MERGE' && e.sha === sha);
  };
  events.forEach(deliver);
  if (!merge) return false;
  deliver({ type: 'MERGED', sha, by: 'release-bot' }, events.length);
  return inbox.snapshot.phase === 'merged' && inbox.snapshot.violations.length === 0;
}

/** The property: the nine invariants hold, and redeliveries and other pipelines change nothing. */
const holdsThrough = (translation: Translate) =>
  fc.property(scenario, (s) => {
    const { violations, noise } = runThrough(translation, s);
    expect(violations).toEqual([]);
    expect(noise).toEqual([]);
  });

describe('our CI inbox, property-tested with @release-guard/core/testing', () => {
  it('translates every event the CI can send back into that very event', () => {
    const context = { snapshot: guard.start(PR).snapshot, settings: guard.settings, releasePipeline: 'release' };
    fc.assert(
      fc.property(guardEvent({ artifacts: ['image'] }), (event) => {
        expect(translate(toPayload(event), context)).toEqual([event]);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps the nine invariants over histories of 20 to 100 webhooks, and can always finish the release', () => {
    const seen = { runs: 0, withMerge: 0, finished: 0, phases: new Set<Phase>() };
    fc.assert(
      fc.property(scenario, (s) => {
        const outcome = runThrough(translate, s);
        expect(outcome.violations).toEqual([]);
        expect(outcome.noise).toEqual([]);
        seen.runs++;
        if (outcome.merges > 0) seen.withMerge++;
        for (const phase of outcome.phases) seen.phases.add(phase);

        // No dead ends through the inbox: from wherever the history left the pull request, the webhooks
        // of a real finish get it merged by the guard; once merged, they ask for nothing more.
        const end = outcome.inbox.snapshot;
        if (LIVE_PHASES.includes(end.phase)) expect(completionProblem(guard, end)).toBeUndefined();
        expect(finishThroughInbox(outcome)).toBe(end.phase !== 'merged');
        expect(outcome.violations).toEqual([]);
        if (end.phase !== 'merged') seen.finished++;
      }),
      { numRuns: RUNS },
    );
    // The histories went everywhere, and the guard really merged through the inbox in many of them.
    expect(seen.runs).toBe(RUNS);
    expect([...seen.phases].sort()).toEqual(
      ['prepared', 'approved', 'releasing', 'released', 'failed', 'merged', 'closed'].sort(),
    );
    expect(seen.withMerge / seen.runs).toBeGreaterThan(0.1);
    expect(seen.finished / seen.runs).toBeGreaterThan(0.25);
  });
});

describe('the same properties catch a broken integration', () => {
  const bugs: [string, Translate, number][] = [
    ['approves the head instead of the reviewed commit', approvesTheHead, 5],
    ['takes a passed pipeline for a verified image', trustsThePipeline, 1],
  ];

  it.each(bugs)('an inbox that %s', (_, buggy, invariant) => {
    // endOnFailure: finding the bug is the point here; a real run would let fast-check shrink it.
    const details = fc.check(holdsThrough(buggy), { numRuns: 1000, endOnFailure: true });
    expect(details.failed).toBe(true);
    const [counterexample] = details.counterexample ?? [];
    if (!counterexample) throw new Error('fast-check reported no counterexample');

    // The counterexample breaks the invariant this bug is about ...
    const broken = runThrough(buggy, counterexample).violations;
    expect(broken.map((v) => v.invariant)).toContain(invariant);
    // ... while the same webhooks through the correct inbox, and the same events given to the guard
    // directly, break nothing: the bug is in the integration.
    expect(runThrough(translate, counterexample).violations).toEqual([]);
    expect(checkInvariants(guard, runEvents(guard, PR, counterexample.events))).toEqual([]);
  });
});
