import {
  type AlertEffect,
  type ApprovalDismissedEvent,
  type ApprovedEvent,
  type ArtifactConfig,
  type ArtifactMissingEvent,
  type ArtifactVerifiedEvent,
  type ClosedEvent,
  type CommentEffect,
  createGuard,
  type DequeuedEvent,
  type DequeueEffect,
  EFFECT_TYPES,
  type Effect,
  type EffectType,
  type EnqueuedEvent,
  EVENT_TYPES,
  type Guard,
  type GuardConfig,
  GuardConfigError,
  type GuardEvent,
  GuardEventError,
  type GuardEventType,
  type GuardFacts,
  type GuardSettings,
  type GuardSnapshot,
  GuardStateError,
  type HeadChangedEvent,
  type HeadFacts,
  type Id,
  type InputIssue,
  LIMITS,
  LIVE_PHASES,
  type MergedEvent,
  type MergeEffect,
  type MergeGroupEvent,
  type MergeMethod,
  type MergeRejectedEvent,
  type MergeRejectionReason,
  PHASES,
  type Phase,
  type Preset,
  type PullRequest,
  type PullRequestKind,
  parseEvent,
  type ReleaseFailedEvent,
  type ReleaseStartedEvent,
  type ReleaseSucceededEvent,
  type ReopenedEvent,
  type RetryEvent,
  releaseGuardMachine,
  type SetStatusEffect,
  SNAPSHOT_SCHEMA,
  SNAPSHOT_VERSION,
  type StartReleaseEffect,
  type StatusState,
  type Step,
  type TimedOutEvent,
  type VerifyArtifactsEffect,
  type VersionSource,
} from '@release-guard/core';
import { type History, runEvents } from '@release-guard/core/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { releasePr } from './support/fixtures.js';

const EVENT_NAMES = [
  'HEAD_CHANGED',
  'APPROVED',
  'APPROVAL_DISMISSED',
  'RELEASE_STARTED',
  'RELEASE_SUCCEEDED',
  'RELEASE_FAILED',
  'ARTIFACT_VERIFIED',
  'ARTIFACT_MISSING',
  'MERGED',
  'MERGE_REJECTED',
  'CLOSED',
  'REOPENED',
  'RETRY',
  'TIMED_OUT',
  'ENQUEUED',
  'DEQUEUED',
  'MERGE_GROUP',
] as const;

const EFFECT_NAMES = [
  'SET_STATUS',
  'START_RELEASE',
  'VERIFY_ARTIFACTS',
  'MERGE',
  'DEQUEUE',
  'COMMENT',
  'ALERT',
] as const;

const PHASE_NAMES = ['skipped', 'prepared', 'approved', 'releasing', 'released', 'merged', 'failed', 'closed'] as const;

describe('public types', () => {
  it('createGuard takes an optional GuardConfig and returns a Guard', () => {
    expectTypeOf(createGuard).toEqualTypeOf<(config?: GuardConfig) => Guard>();
    expectTypeOf(createGuard).parameters.toEqualTypeOf<[config?: GuardConfig]>();
    expectTypeOf(createGuard).returns.toEqualTypeOf<Guard>();
    expectTypeOf(createGuard).toBeCallableWith();
    expectTypeOf(createGuard).toBeCallableWith({ releaseBranch: /^r\// });
  });

  it('Guard methods take and return the documented types', () => {
    expectTypeOf<Guard['settings']>().toEqualTypeOf<GuardSettings>();
    expectTypeOf<Guard['start']>().toEqualTypeOf<(pr: PullRequest) => Step>();
    expectTypeOf<Guard['next']>().toEqualTypeOf<(snapshot: GuardSnapshot, event: GuardEvent) => Step>();
    expectTypeOf<Guard['reconcile']>().toEqualTypeOf<
      (snapshot: GuardSnapshot | undefined, facts: GuardFacts) => Step
    >();
    expectTypeOf<Guard['serialize']>().toEqualTypeOf<(snapshot: GuardSnapshot) => string>();
    expectTypeOf<Guard['restore']>().toEqualTypeOf<(text: string) => GuardSnapshot>();
    expectTypeOf<Guard['next']>().parameter(1).toEqualTypeOf<GuardEvent>();
    expectTypeOf<Guard['reconcile']>().parameter(0).toEqualTypeOf<GuardSnapshot | undefined>();
    expectTypeOf<keyof Guard>().toEqualTypeOf<'settings' | 'start' | 'next' | 'reconcile' | 'serialize' | 'restore'>();
  });

  it('settings are read-only on the guard', () => {
    const guard = createGuard();
    const neverCalled = () => {
      // @ts-expect-error settings is readonly
      guard.settings = createGuard().settings;
    };
    expect(typeof neverCalled).toBe('function');
    expectTypeOf<GuardSettings>().toEqualTypeOf<{
      releaseBranch: RegExp;
      versionSource: VersionSource;
      protectedPaths: readonly RegExp[];
      statusContext: string;
      artifacts: readonly Required<ArtifactConfig>[];
      mergeMethod: MergeMethod;
    }>();
  });

  it('Step is the snapshot, the effects and an optional reason', () => {
    expectTypeOf<Step>().toEqualTypeOf<{ snapshot: GuardSnapshot; effects: Effect[]; ignored?: string }>();
  });

  it('Phase has exactly the eight phases', () => {
    expectTypeOf<Phase>().toEqualTypeOf<(typeof PHASE_NAMES)[number]>();
    expectTypeOf<GuardSnapshot['phase']>().toEqualTypeOf<Phase>();
    expectTypeOf(PHASES).toEqualTypeOf<readonly Phase[]>();
    expectTypeOf(LIVE_PHASES).toEqualTypeOf<readonly Phase[]>();
  });

  it('GuardEvent types are exactly the fourteen events', () => {
    expectTypeOf<GuardEvent['type']>().toEqualTypeOf<
      | 'HEAD_CHANGED'
      | 'APPROVED'
      | 'APPROVAL_DISMISSED'
      | 'RELEASE_STARTED'
      | 'RELEASE_SUCCEEDED'
      | 'RELEASE_FAILED'
      | 'ARTIFACT_VERIFIED'
      | 'ARTIFACT_MISSING'
      | 'MERGED'
      | 'MERGE_REJECTED'
      | 'CLOSED'
      | 'REOPENED'
      | 'RETRY'
      | 'TIMED_OUT'
      | 'ENQUEUED'
      | 'DEQUEUED'
      | 'MERGE_GROUP'
    >();
    expectTypeOf<GuardEventType>().toEqualTypeOf<GuardEvent['type']>();
    expectTypeOf(EVENT_TYPES).toExtend<readonly GuardEventType[]>();
    expectTypeOf<GuardEvent>().toEqualTypeOf<
      | HeadChangedEvent
      | ApprovedEvent
      | ApprovalDismissedEvent
      | ReleaseStartedEvent
      | ReleaseSucceededEvent
      | ReleaseFailedEvent
      | ArtifactVerifiedEvent
      | ArtifactMissingEvent
      | MergedEvent
      | MergeRejectedEvent
      | ClosedEvent
      | ReopenedEvent
      | RetryEvent
      | TimedOutEvent
      | EnqueuedEvent
      | DequeuedEvent
      | MergeGroupEvent
    >();
  });

  it('Effect types are exactly the seven effects', () => {
    expectTypeOf<Effect['type']>().toEqualTypeOf<
      'SET_STATUS' | 'START_RELEASE' | 'VERIFY_ARTIFACTS' | 'MERGE' | 'DEQUEUE' | 'COMMENT' | 'ALERT'
    >();
    expectTypeOf<EffectType>().toEqualTypeOf<Effect['type']>();
    expectTypeOf(EFFECT_TYPES).toEqualTypeOf<readonly EffectType[]>();
    expectTypeOf<Effect>().toEqualTypeOf<
      | SetStatusEffect
      | StartReleaseEffect
      | VerifyArtifactsEffect
      | MergeEffect
      | DequeueEffect
      | CommentEffect
      | AlertEffect
    >();
  });

  it('event fields have the documented types', () => {
    expectTypeOf<MergeRejectedEvent['reason']>().toEqualTypeOf<
      'head-changed' | 'not-mergeable' | 'forbidden' | 'merge-queue'
    >();
    expectTypeOf<EnqueuedEvent>().toEqualTypeOf<{ type: 'ENQUEUED'; sha: string; at?: string }>();
    expectTypeOf<DequeuedEvent>().toEqualTypeOf<{ type: 'DEQUEUED'; sha: string; reason: string; at?: string }>();
    expectTypeOf<MergeGroupEvent>().toEqualTypeOf<{
      type: 'MERGE_GROUP';
      sha: string;
      groupSha: string;
      at?: string;
    }>();
    expectTypeOf<MergeRejectionReason>().toEqualTypeOf<MergeRejectedEvent['reason']>();
    expectTypeOf<Id>().toEqualTypeOf<string | number>();
    expectTypeOf<ApprovedEvent>().toEqualTypeOf<{
      type: 'APPROVED';
      sha: string;
      reviewId: Id;
      reviewer: string;
      authorized: boolean;
      at?: string;
    }>();
    expectTypeOf<ReleaseFailedEvent>().toEqualTypeOf<{
      type: 'RELEASE_FAILED';
      sha: string;
      runId: Id;
      reason: string;
      version?: string;
      at?: string;
    }>();
    expectTypeOf<ArtifactVerifiedEvent['ref']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ClosedEvent>().toEqualTypeOf<{ type: 'CLOSED'; at?: string }>();
    expectTypeOf<RetryEvent>().toEqualTypeOf<{ type: 'RETRY'; at?: string }>();
    expectTypeOf<Extract<GuardEvent, { type: 'MERGED' }>>().toEqualTypeOf<MergedEvent>();
    expectTypeOf<Extract<GuardEvent, { type: 'TIMED_OUT' }>>().toEqualTypeOf<TimedOutEvent>();
    expectTypeOf<ArtifactVerifiedEvent['digest']>().toEqualTypeOf<string>();
  });

  it('effect fields have the documented types', () => {
    expectTypeOf<SetStatusEffect['state']>().toEqualTypeOf<'pending' | 'success' | 'failure' | 'error'>();
    expectTypeOf<StatusState>().toEqualTypeOf<SetStatusEffect['state']>();
    expectTypeOf<SetStatusEffect>().toEqualTypeOf<{
      type: 'SET_STATUS';
      sha: string;
      state: StatusState;
      description: string;
      context: string;
      targetUrl?: string;
    }>();
    expectTypeOf<MergeEffect>().toEqualTypeOf<{
      type: 'MERGE';
      pr: number;
      sha: string;
      method: MergeMethod;
      via: 'merge' | 'queue';
    }>();
    expectTypeOf<DequeueEffect>().toEqualTypeOf<{ type: 'DEQUEUE'; pr: number; sha: string }>();
    expectTypeOf<StartReleaseEffect['version']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<VerifyArtifactsEffect['artifacts']>().toEqualTypeOf<{ name: string; ref: string }[]>();
    expectTypeOf<CommentEffect['body']>().toEqualTypeOf<string>();
    expectTypeOf<AlertEffect['pr']>().toEqualTypeOf<number>();
  });

  it('GuardConfig has exactly the seven optional fields', () => {
    expectTypeOf<GuardConfig>().toEqualTypeOf<{
      preset?: Preset;
      releaseBranch?: string | RegExp;
      versionSource?: VersionSource | `file:${string}`;
      protectedPaths?: string[];
      statusContext?: string;
      artifacts?: ArtifactConfig[];
      mergeMethod?: MergeMethod;
    }>();
    expectTypeOf<MergeMethod>().toEqualTypeOf<'merge' | 'squash' | 'rebase'>();
    expectTypeOf<Preset>().toEqualTypeOf<'releases' | 'release-please' | 'changesets'>();
    expectTypeOf<VersionSource>().toEqualTypeOf<'branch' | 'title' | { file: string; key?: string }>();
    expectTypeOf<ArtifactConfig>().toEqualTypeOf<{ name: string; ref: string; after?: string[]; onMerge?: boolean }>();
  });

  it('PullRequest and its kind have the documented fields', () => {
    expectTypeOf<PullRequest>().toEqualTypeOf<{
      number: number;
      headRef: string;
      headSha: string;
      baseRef: string;
      fromFork: boolean;
      version?: string;
      versions?: Record<string, string>;
      releasers?: string[];
      mergeQueue?: boolean;
      queued?: boolean;
      title?: string;
      files?: { path: string; previousPath?: string }[];
      filesComplete?: boolean;
      contents?: Record<string, string | null>;
    }>();
    expectTypeOf<PullRequestKind>().toEqualTypeOf<'release' | 'fork' | 'not-release' | 'protected'>();
    expectTypeOf<HeadChangedEvent>().toExtend<HeadFacts>();
    expectTypeOf<ReopenedEvent>().toExtend<HeadFacts>();
  });

  it('error classes extend Error and carry issues', () => {
    expectTypeOf<GuardConfigError>().toExtend<Error>();
    expectTypeOf<GuardEventError>().toExtend<Error>();
    expectTypeOf<GuardStateError>().toExtend<Error>();
    expectTypeOf<GuardConfigError['issues']>().toEqualTypeOf<readonly InputIssue[]>();
    expectTypeOf<GuardEventError['issues']>().toEqualTypeOf<readonly InputIssue[]>();
    expectTypeOf<GuardStateError['issues']>().toEqualTypeOf<readonly InputIssue[]>();
    expectTypeOf<InputIssue>().toEqualTypeOf<{ path: string; message: string }>();
    expectTypeOf(GuardConfigError).constructorParameters.toEqualTypeOf<[issues: readonly InputIssue[]]>();
    expectTypeOf(GuardEventError).constructorParameters.toEqualTypeOf<
      [subject: string, issues: readonly InputIssue[]]
    >();
    expectTypeOf(GuardStateError).constructorParameters.toEqualTypeOf<[issues: readonly InputIssue[]]>();
  });

  it('rejects ill-typed calls at compile time', () => {
    const guard = createGuard();
    const snapshot = guard.start(releasePr()).snapshot;
    // Each call below is a compile error (checked by tsc); none of them runs.
    const neverCalled = () => {
      // @ts-expect-error unknown event type
      guard.next(snapshot, { type: 'APPROVE' });
      // @ts-expect-error a reason outside MergeRejectionReason
      guard.next(snapshot, { type: 'MERGE_REJECTED', sha: 'a'.repeat(40), reason: 'conflict', message: 'x' });
      // @ts-expect-error authorized must be a boolean
      guard.next(snapshot, { type: 'APPROVED', sha: 'a', reviewId: 1, reviewer: 'r', authorized: 'yes' });
      // @ts-expect-error a typo in a config key
      createGuard({ statusContex: 'release' });
      // @ts-expect-error not a merge method
      createGuard({ mergeMethod: 'fast-forward' });
      // @ts-expect-error restore takes text
      guard.restore(snapshot);
    };
    expect(typeof neverCalled).toBe('function');
  });

  it('the testing entry point is typed against the same Guard', () => {
    expectTypeOf(runEvents).parameters.toEqualTypeOf<[guard: Guard, pr: PullRequest, events: readonly GuardEvent[]]>();
    expectTypeOf(runEvents).returns.toEqualTypeOf<History>();
  });
});

describe('public values', () => {
  it('EVENT_TYPES contains exactly the event names, once each', () => {
    expect(EVENT_TYPES).toHaveLength(EVENT_NAMES.length);
    expect(new Set(EVENT_TYPES)).toEqual(new Set(EVENT_NAMES));
  });

  it('EFFECT_TYPES contains exactly the effect names, once each', () => {
    expect(EFFECT_TYPES).toHaveLength(EFFECT_NAMES.length);
    expect(new Set(EFFECT_TYPES)).toEqual(new Set(EFFECT_NAMES));
  });

  it('PHASES contains exactly the phase names, once each; LIVE_PHASES is a subset', () => {
    expect(PHASES).toHaveLength(PHASE_NAMES.length);
    expect(new Set(PHASES)).toEqual(new Set(PHASE_NAMES));
    expect(new Set(LIVE_PHASES)).toEqual(new Set(['prepared', 'approved', 'releasing', 'released', 'failed']));
  });

  it('exports the XState machine with id releaseGuard', () => {
    expect(releaseGuardMachine).toBeDefined();
    expect(releaseGuardMachine.id).toBe('releaseGuard');
    expect(Object.keys(releaseGuardMachine.config.states ?? {})).toEqual(expect.arrayContaining([...PHASE_NAMES]));
  });

  it('exports the snapshot schema, version and limits', () => {
    expect(SNAPSHOT_SCHEMA).toBe('release-guard/snapshot');
    expect(SNAPSHOT_VERSION).toBe(1);
    expect(Object.keys(LIMITS).sort()).toEqual(
      [
        'alertedRuns',
        'approvals',
        'finishedRuns',
        'groups',
        'releasedShas',
        'seenReviews',
        'timeline',
        'verified',
        'violations',
      ].sort(),
    );
    for (const bound of Object.values(LIMITS)) expect(Number.isSafeInteger(bound) && bound > 0).toBe(true);
  });

  it('error classes are Errors with a name and the issues they were given', () => {
    const issues: InputIssue[] = [
      { path: 'a.b', message: 'fix a.b' },
      { path: '', message: 'fix the whole' },
    ];
    const errors = [
      new GuardConfigError(issues),
      new GuardEventError('Bad event', issues),
      new GuardStateError(issues),
    ];
    expect(errors.map((e) => e.name)).toEqual(['GuardConfigError', 'GuardEventError', 'GuardStateError']);
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      expect(error.issues).toEqual(issues);
      expect(error.message).toContain('a.b: fix a.b');
      expect(error.message).toContain('fix the whole');
      expect(String(error)).toMatch(new RegExp(`^${error.name}: `));
    }
    expect(errors[1]?.message).toMatch(/^Bad event:/);
    expect(errors[0]).not.toBeInstanceOf(GuardEventError);
    expect(errors[2]).not.toBeInstanceOf(GuardConfigError);
  });

  it('every exported event type is accepted by parseEvent with its fields', () => {
    const sha = 'a'.repeat(40);
    const samples: Record<GuardEventType, GuardEvent> = {
      HEAD_CHANGED: { type: 'HEAD_CHANGED', sha },
      APPROVED: { type: 'APPROVED', sha, reviewId: 1, reviewer: 'r', authorized: true },
      APPROVAL_DISMISSED: { type: 'APPROVAL_DISMISSED', reviewId: 1, reviewer: 'r' },
      RELEASE_STARTED: { type: 'RELEASE_STARTED', sha, runId: 1 },
      RELEASE_SUCCEEDED: { type: 'RELEASE_SUCCEEDED', sha, runId: 1 },
      RELEASE_FAILED: { type: 'RELEASE_FAILED', sha, runId: 1, reason: 'x' },
      ARTIFACT_VERIFIED: { type: 'ARTIFACT_VERIFIED', sha, name: 'image', digest: 'd' },
      ARTIFACT_MISSING: { type: 'ARTIFACT_MISSING', sha, name: 'image', reason: 'x' },
      MERGED: { type: 'MERGED', sha, by: 'r' },
      MERGE_REJECTED: { type: 'MERGE_REJECTED', sha, reason: 'forbidden', message: 'x' },
      CLOSED: { type: 'CLOSED' },
      REOPENED: { type: 'REOPENED', sha },
      RETRY: { type: 'RETRY' },
      TIMED_OUT: { type: 'TIMED_OUT', sha },
      ENQUEUED: { type: 'ENQUEUED', sha },
      DEQUEUED: { type: 'DEQUEUED', sha, reason: 'x' },
      MERGE_GROUP: { type: 'MERGE_GROUP', sha, groupSha: 'b'.repeat(40) },
    };
    for (const type of EVENT_TYPES) expect(parseEvent(samples[type]).type).toBe(type);
  });
});
