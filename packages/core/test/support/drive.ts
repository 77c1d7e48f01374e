import type { Effect, Guard, GuardEvent, GuardSnapshot, PullRequest, Step } from '@release-guard/core';
import { SHA } from './fixtures.js';

/** Starts `guard` on `pr` and applies `events`; returns the last step and every effect on the way. */
export function drive(guard: Guard, pr: PullRequest, events: readonly GuardEvent[]): Step & { all: Effect[] } {
  let step = guard.start(pr);
  const all = [...step.effects];
  for (const event of events) {
    step = guard.next(step.snapshot, event);
    all.push(...step.effects);
  }
  return { ...step, all };
}

/** Applies `events` to `snapshot` one after the other. */
export function apply(guard: Guard, snapshot: GuardSnapshot, events: readonly GuardEvent[]): Step {
  let step: Step = { snapshot, effects: [] };
  for (const event of events) step = guard.next(step.snapshot, event);
  return step;
}

export const types = (effects: readonly Effect[]) => effects.map((e) => e.type);

export const approve = (sha: string = SHA.a, reviewId: number | string = 1, authorized = true): GuardEvent => ({
  type: 'APPROVED',
  sha,
  reviewId,
  reviewer: `reviewer-${reviewId}`,
  authorized,
});
export const started = (sha: string = SHA.a, runId: number | string = 100): GuardEvent => ({
  type: 'RELEASE_STARTED',
  sha,
  runId,
});
export const succeeded = (sha: string = SHA.a, runId: number | string = 100): GuardEvent => ({
  type: 'RELEASE_SUCCEEDED',
  sha,
  runId,
});
export const verified = (sha: string = SHA.a, name = 'image'): GuardEvent => ({
  type: 'ARTIFACT_VERIFIED',
  sha,
  name,
  digest: 'sha256:a0d23c6429357d2bc037470acbe347e40bd0ee738cbe4b328656cead3330e394',
});
export const headChanged = (sha: string): GuardEvent => ({ type: 'HEAD_CHANGED', sha });

/** The seed's happy path up to `released` (one approval, one run, the image verified). */
export const toReleased = (sha: string = SHA.a): GuardEvent[] => [
  approve(sha),
  started(sha),
  succeeded(sha),
  verified(sha),
];
