import { type GuardEvent, type GuardSnapshot, normalizeLogin, type Phase } from '@release-guard/core';
import { eventSequence, runEvents } from '@release-guard/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alphabet, explore } from './support/exploration.js';
import { releasePr, seedGuard } from './support/fixtures.js';

/**
 * The reasons of ignored events, now given by each fallback transition beside the guard it explains,
 * against a copy of the `whyIgnored` that re-derived them before: over every state the exhaustive
 * exploration reaches with every event of its alphabet, and over arbitrary histories.
 */
const guard = seedGuard();
const pr = releasePr({ releasers: ['releaser'] });

describe('why an event was ignored', () => {
  it('is what whyIgnored said, for every event from every explored state', () => {
    const reasons = new Map<string, number>();
    const problems: string[] = [];
    for (const { snapshot } of explore(guard, pr).reached) {
      for (const state of variants(snapshot)) {
        for (const event of [...alphabet(state), ...alertedRunEvents(state)]) compare(state, event, reasons, problems);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    console.info(`ignored reasons compared: ${[...reasons].map(([kind, n]) => `${kind} (${n})`).join('; ')}`);
    expect([...reasons.keys()].sort()).toEqual(
      [
        '<event> does not apply while <phase>',
        '<event> is for <sha> but the head is <sha>',
        '<login> may not approve releases',
        '<login> prepared this release and cannot approve their own release',
        '<sha> is already the head',
        'no approval of the head stands: approve it again',
        'no merge of the head is waiting for an answer',
        'nothing to retry while <phase>',
        'review <id> is not a standing approval of the head',
        'review <id> was already counted',
        'run <id> already finished',
        'run <id> is not the current release run <id>',
        'run <id> was alerted as running without an approval: it is not the release under way',
        'run <id> was already recorded',
        'the merge is waiting for an answer',
        'nothing to retry',
      ].sort(),
    );
  });

  it('is what whyIgnored said, along arbitrary histories', () => {
    const problems: string[] = [];
    fc.assert(
      fc.property(eventSequence(), (events) => {
        const history = runEvents(guard, pr, events);
        let snapshot = history.start.snapshot;
        for (const { event, step } of history.deliveries) {
          compare(snapshot, event, new Map(), problems);
          snapshot = step.snapshot;
        }
      }),
      { numRuns: 200 },
    );
    expect(problems.slice(0, 10)).toEqual([]);
  });
});

/**
 * `s`, and for a released head also with no merge asked for: no step leaves it so, but a stored snapshot
 * may say so, and `RETRY` then has a reason of its own.
 */
function variants(s: GuardSnapshot): GuardSnapshot[] {
  return s.phase === 'released' ? [s, { ...s, merge: { state: 'none' } }] : [s];
}

/** The events the alphabet leaves out: each run alerted as running without an approval, reported again. */
function alertedRunEvents(s: GuardSnapshot): GuardEvent[] {
  return s.alertedRuns.flatMap((runId): GuardEvent[] => [
    { type: 'RELEASE_STARTED', sha: s.headSha, runId },
    { type: 'RELEASE_SUCCEEDED', sha: s.headSha, runId },
    { type: 'RELEASE_FAILED', sha: s.headSha, runId, reason: 'job failed' },
  ]);
}

/** Applies `event` to `snapshot` and, when the phase said why it ignored it, checks the reason. */
function compare(snapshot: GuardSnapshot, event: GuardEvent, reasons: Map<string, number>, problems: string[]): void {
  const { ignored } = guard.next(snapshot, event);
  const { phase } = snapshot;
  // `skipped` and `closed` ignore every event alike (but for a head change while skipped); `merged` ends.
  if (ignored === undefined || !(LIVE.includes(phase) || (phase === 'skipped' && event.type === 'HEAD_CHANGED')))
    return;
  const expected = whyIgnored(snapshot, event, phase);
  if (ignored !== expected) problems.push(`${phase} ${JSON.stringify(event)}: ${ignored}, whyIgnored: ${expected}`);
  const kind = expected
    .replace(/^[A-Z_]+ /, '<event> ')
    .replace(/\b(run|review)-\d+/g, '<id>')
    .replace(/\b[0-9a-f]{7}\b/g, '<sha>')
    .replace(/\b(prepared|approved|releasing|released|failed|skipped)$/, '<phase>')
    .replace(/^(maintainer|outsider|Releaser\[bot\]) /, '<login> ');
  reasons.set(kind, (reasons.get(kind) ?? 0) + 1);
}

const LIVE: readonly Phase[] = ['prepared', 'approved', 'releasing', 'released', 'failed'];

// ---- The machine's whyIgnored before the reasons moved beside their guards, kept verbatim ----------

function whyIgnored(context: GuardSnapshot, event: GuardEvent, phase: Phase): string {
  const sha = shaOf(event);
  const reviewId = reviewIdOf(event);
  if (event.type === 'APPROVED' && reviewId !== undefined && context.seenReviews.includes(reviewId)) {
    return `review ${reviewId} was already counted`;
  }
  if (sha !== undefined && sha !== context.headSha && event.type !== 'MERGED') {
    return `${event.type} is for ${shortSha(sha)} but the head is ${shortSha(context.headSha)}`;
  }
  if (event.type === 'APPROVED' && isReleaser(context.pr.releasers, event.reviewer)) {
    return `${event.reviewer} prepared this release and cannot approve their own release`;
  }
  if (event.type === 'APPROVED' && !event.authorized) return `${event.reviewer} may not approve releases`;
  if (event.type === 'HEAD_CHANGED') return `${shortSha(event.sha)} is already the head`;
  if (event.type === 'APPROVAL_DISMISSED') return `review ${reviewId} is not a standing approval of the head`;
  if (event.type === 'RETRY') return retryIgnored(context, phase);
  const runId = runIdOf(event);
  if (runId !== undefined && context.finishedRuns.includes(runId)) return `run ${runId} already finished`;
  if (runId !== undefined && context.alertedRuns.includes(runId) && context.release.runId !== runId) {
    return `run ${runId} was alerted as running without an approval: it is not the release under way`;
  }
  if (event.type === 'RELEASE_STARTED' && context.release.runId === runIdOf(event)) {
    return `run ${runIdOf(event)} was already recorded`;
  }
  if (event.type === 'RELEASE_FAILED' && context.release.runId !== undefined) {
    return `run ${runIdOf(event)} is not the current release run ${context.release.runId}`;
  }
  if (event.type === 'MERGE_REJECTED') return 'no merge of the head is waiting for an answer';
  return `${event.type} does not apply while ${phase}`;
}

function retryIgnored(context: GuardSnapshot, phase: Phase): string {
  if (context.approvals.length === 0 && (phase === 'failed' || phase === 'released')) {
    return 'no approval of the head stands: approve it again';
  }
  if (phase === 'released')
    return context.merge.state === 'requested' ? 'the merge is waiting for an answer' : 'nothing to retry';
  return `nothing to retry while ${phase}`;
}

const shaOf = (event: GuardEvent) => ('sha' in event ? event.sha : undefined);
const reviewIdOf = (event: GuardEvent) => ('reviewId' in event ? String(event.reviewId) : undefined);
const runIdOf = (event: GuardEvent) => ('runId' in event ? String(event.runId) : undefined);
const shortSha = (sha: string) => sha.slice(0, 7);
const isReleaser = (releasers: readonly string[] | undefined, login: string) =>
  (releasers ?? []).some((releaser) => normalizeLogin(releaser) === normalizeLogin(login));
