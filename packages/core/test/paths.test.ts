import {
  type GuardEvent,
  type GuardInput,
  PHASES,
  type Phase,
  type PullRequest,
  releaseGuardMachine,
} from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { getShortestPaths } from 'xstate/graph';
import { releasePr, SHA, seedGuard } from './support/fixtures.js';

const guard = seedGuard();

type MachineState = ReturnType<typeof releaseGuardMachine.resolveState>;

/** Every kind of event, aimed at the current head (and one other SHA for head changes). */
function eventsFrom(state: MachineState): GuardEvent[] {
  const { headSha, seenReviews, approvals } = state.context;
  const other = headSha === SHA.a ? SHA.b : SHA.a;
  return [
    { type: 'HEAD_CHANGED', sha: other },
    { type: 'APPROVED', sha: headSha, reviewId: seenReviews.length + 1, reviewer: 'maintainer', authorized: true },
    { type: 'APPROVAL_DISMISSED', reviewId: approvals[0]?.reviewId ?? 0, reviewer: 'maintainer' },
    { type: 'RELEASE_STARTED', sha: headSha, runId: 'run-1' },
    { type: 'RELEASE_SUCCEEDED', sha: headSha, runId: 'run-1' },
    { type: 'RELEASE_FAILED', sha: headSha, runId: 'run-1', reason: 'job failed' },
    { type: 'ARTIFACT_VERIFIED', sha: headSha, name: 'image', digest: 'sha256:1' },
    { type: 'ARTIFACT_MISSING', sha: headSha, name: 'image', reason: 'manifest unknown' },
    { type: 'MERGE_REJECTED', sha: headSha, reason: 'not-mergeable', message: 'checks pending' },
    { type: 'MERGED', sha: headSha, by: 'release-bot' },
    { type: 'CLOSED' },
    { type: 'REOPENED', sha: headSha },
    { type: 'RETRY' },
    { type: 'TIMED_OUT', sha: headSha },
  ];
}

/** States that differ only in history (timeline, ids seen) are the same for path finding. */
function stateKey(state: MachineState): string {
  const c = state.context;
  return JSON.stringify([
    state.value,
    c.headSha,
    c.approvals.length,
    c.release.state,
    c.verified.length,
    c.merge.state,
  ]);
}

function shortestPathsByPhase(pr: PullRequest): Map<Phase, GuardEvent[]> {
  const input: GuardInput = { pr, kind: guard.start(pr).snapshot.kind, settings: guard.settings };
  const paths = getShortestPaths(releaseGuardMachine, { input, events: eventsFrom, serializeState: stateKey });
  const byPhase = new Map<Phase, GuardEvent[]>();
  for (const path of paths) {
    const phase = path.state.value as Phase;
    const events = path.steps.slice(1).map((step) => step.event);
    const known = byPhase.get(phase);
    if (!known || known.length > events.length) byPhase.set(phase, events);
  }
  return byPhase;
}

describe('paths through the machine (xstate/graph)', () => {
  const release = shortestPathsByPhase(releasePr());
  const other = shortestPathsByPhase(releasePr({ headRef: 'feature/x' }));

  it('every phase is reachable', () => {
    const reached = new Set([...release.keys(), ...other.keys()]);
    expect([...reached].sort()).toEqual([...PHASES].sort());
    expect([...other.keys()].sort()).toEqual(['closed', 'merged', 'skipped']);
  });

  it('the shortest paths are the expected ones', () => {
    const names = (phase: Phase) => release.get(phase)?.map((e) => e.type);
    expect(names('prepared')).toEqual([]);
    expect(names('approved')).toEqual(['APPROVED']);
    expect(names('releasing')).toEqual(['APPROVED', 'RELEASE_STARTED']);
    expect(names('released')).toEqual(['APPROVED', 'RELEASE_SUCCEEDED', 'ARTIFACT_VERIFIED']);
    expect(names('failed')?.length).toBe(2);
  });

  it.each([...PHASES])('guard.next replays the path to %s and lands there', (phase) => {
    const pr = phase === 'skipped' ? releasePr({ headRef: 'feature/x' }) : releasePr();
    const events = (phase === 'skipped' ? other : release).get(phase);
    expect(events).toBeDefined();
    let step = guard.start(pr);
    for (const event of events ?? []) step = guard.next(step.snapshot, event);
    expect(step.snapshot.phase).toBe(phase);
  });
});
