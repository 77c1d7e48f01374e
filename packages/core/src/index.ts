export type { ParsedArtifactRef } from './artifact-ref.js';
export { GH_RELEASE_REF_PREFIX, NPM_REF_PREFIX, parseArtifactRef } from './artifact-ref.js';
export type { ArtifactConfig, GuardConfig, GuardSettings, MergeMethod } from './config.js';
export { fillRef } from './config.js';
export type {
  AlertEffect,
  CommentEffect,
  DequeueEffect,
  Effect,
  EffectType,
  MergeEffect,
  SetStatusEffect,
  StartReleaseEffect,
  StatusState,
  VerifyArtifactsEffect,
} from './effects.js';
export { EFFECT_TYPES } from './effects.js';
export type { InputIssue } from './errors.js';
export { GuardConfigError, GuardEventError, GuardStateError } from './errors.js';
export type {
  ApprovalDismissedEvent,
  ApprovedEvent,
  ArtifactMissingEvent,
  ArtifactVerifiedEvent,
  ClosedEvent,
  DequeuedEvent,
  EnqueuedEvent,
  GuardEvent,
  GuardEventType,
  HeadChangedEvent,
  Id,
  MergedEvent,
  MergeGroupEvent,
  MergeRejectedEvent,
  MergeRejectionReason,
  ReleaseFailedEvent,
  ReleaseStartedEvent,
  ReleaseSucceededEvent,
  ReopenedEvent,
  RetryEvent,
  TimedOutEvent,
} from './events.js';
export { EVENT_TYPES, MAX_ID_LENGTH, parseEvent } from './events.js';
export { globToRegExp } from './glob.js';
export type { Guard, Step } from './guard.js';
export { createGuard } from './guard.js';
export type { ChangedFile, HeadFacts } from './head-facts.js';
export { MAX_FILES } from './head-facts.js';
export type { GuardContext, GuardInput } from './machine.js';
export { releaseGuardMachine } from './machine.js';
export type { MermaidOptions } from './mermaid.js';
export { toMermaid } from './mermaid.js';
export type { Preset } from './presets.js';
export { PRESETS } from './presets.js';
export type { PullRequest, PullRequestKind } from './pull-request.js';
export { branchKind, classify, MAX_RELEASERS, normalizeLogin } from './pull-request.js';
export type { ApprovalFact, ArtifactFact, GuardFacts, ReleaseRunFact, StatusFact } from './reconcile.js';
export { SNAPSHOT_SCHEMA, SNAPSHOT_VERSION } from './serialize.js';
export type { ApprovalRecord, GuardSnapshot, MergeRecord, Phase, ReleaseRecord, TimelineEntry } from './snapshot.js';
export { LIMITS, LIVE_PHASES, MAX_ENQUEUES, PHASES, TEXT_LIMIT } from './snapshot.js';
export { STATUS_TEXT, standingStatus } from './standing-status.js';
export { inertMarkdown, shortSha } from './text.js';
export { renderTimeline } from './timeline.js';
export type { VersionFile, VersionReading, VersionSource } from './version-source.js';
export { parseVersionSource, versionOf } from './version-source.js';
