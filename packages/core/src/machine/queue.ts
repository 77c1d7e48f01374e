/**
 * The merge queue's events: a pull request entering it (`ENQUEUED`) or leaving it unmerged
 * (`DEQUEUED`), and the merge groups whose required check the guard answers (`MERGE_GROUP`). Only a
 * `released` head with an approval standing is cleared: every group of another head, or of a release
 * in another phase, fails.
 */
import { and, not } from 'xstate';
import type { Phase } from '../snapshot.js';
import { timeline } from './context.js';
import {
  alert,
  clearedGroupStatus,
  merge,
  skippedGroupStatus,
  staleGroupStatus,
  unclearedGroupStatus,
} from './effects.js';
import { dequeuedTooOftenMessage, unclearedGroupMessage } from './messages.js';
import { ignored } from './transitions.js';

/** A group of a commit that is no longer the head fails, whatever the phase. */
const staleGroup = {
  guard: and([not('isJudgedGroup'), not('isForHead')]),
  actions: ['recordGroup', staleGroupStatus],
} as const;

/** A group of the head of a release that is not cleared fails, alerted and noted in the timeline. */
function unclearedGroup(phase: Phase) {
  return {
    guard: not('isJudgedGroup'),
    actions: ['recordGroup', unclearedGroupStatus, alert(unclearedGroupMessage), timeline(phase)],
  } as const;
}

/** The groups of a pull request that is not a release get the verdict its head has. */
export function skippedQueue() {
  return {
    MERGE_GROUP: [
      staleGroup,
      { guard: not('isJudgedGroup'), actions: ['recordGroup', skippedGroupStatus] },
      ...ignored('skipped'),
    ],
  } as const;
}

/**
 * The queue while a release is not cleared (`prepared`, `approved`, `releasing`, `failed`): its groups
 * fail; an entry or an exit is ignored with its reason (the group's failure ejects it).
 */
export function unclearedQueue(phase: Phase) {
  return { MERGE_GROUP: [staleGroup, unclearedGroup(phase), ...ignored(phase)] } as const;
}

/**
 * The queue of a `released` head. While an approval of it stands, its group succeeds and its entry in
 * the queue is recorded (no further merge is asked for while it stands there). When it leaves the
 * queue unmerged, it is enqueued again until the guard enqueued it `MAX_ENQUEUES` times, then alerted;
 * without an approval it is only recorded. An exit is one of the entry the guard recorded: a
 * redelivered exit, once the head is enqueued again, changes nothing.
 */
export function releasedQueue() {
  return {
    MERGE_GROUP: [
      staleGroup,
      {
        guard: and([not('isJudgedGroup'), 'hasStandingApproval']),
        actions: ['recordGroup', clearedGroupStatus, 'markQueued'],
      },
      unclearedGroup('released'),
      ...ignored('released'),
    ],
    ENQUEUED: [
      {
        guard: and(['isForHead', 'hasStandingApproval', not('isQueued')]),
        actions: ['markQueued', timeline('released')],
      },
      ...ignored('released'),
    ],
    DEQUEUED: [
      {
        guard: and(['isForHead', 'isQueued', 'hasStandingApproval', 'hasEnqueuesLeft']),
        actions: ['learnMergeQueue', 'requestMerge', merge, timeline('released')],
      },
      {
        guard: and(['isForHead', 'isQueued', 'hasStandingApproval']),
        actions: ['recordDequeue', alert(dequeuedTooOftenMessage), timeline('released')],
      },
      { guard: and(['isForHead', 'isQueued']), actions: ['recordDequeue', timeline('released')] },
      ...ignored('released'),
    ],
  } as const;
}
