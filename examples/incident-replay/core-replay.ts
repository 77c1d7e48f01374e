/**
 * The same morning through `@release-guard/core` alone, without GitHub or a registry: timed events in,
 * effects out, and a model of branch protection that applies the guard's statuses. It also tells the
 * stories the emulator replay (incident.ts) does not: a failed release and an ordinary pull request.
 */
import {
  createGuard,
  type Effect,
  type Guard,
  type GuardConfig,
  type GuardEvent,
  type GuardSnapshot,
  type PullRequest,
  shortSha,
} from '@release-guard/core';

/** The seed's repository: the image must exist before unlock; the chart is published by the merge. */
export const WEAVE_GITOPS: GuardConfig = {
  artifacts: [
    { name: 'image', ref: 'ghcr.io/weaveworks/wego-app:{version}' },
    { name: 'chart', ref: 'ghcr.io/weaveworks/charts/weave-gitops:{chart}', after: ['image'], onMerge: true },
  ],
};

const RELEASE_PR: PullRequest = {
  number: 3906,
  headRef: 'releases/v0.29.0',
  headSha: '03093a127262cad8f4c94caf8aa4262314a1cedd',
  baseRef: 'main',
  fromFork: false,
  version: 'v0.29.0',
  versions: { chart: '4.0.27' },
};
const SHA = RELEASE_PR.headSha;
const OPENED = 'prepare-release opens the release PR';
const IMAGE_DIGEST = 'sha256:a0d23c6429357d2bc037470acbe347e40bd0ee738cbe4b328656cead3330e394';

/** One line of the timeline: what happened, at what time, and what the guard made of it. */
export interface TimelineLine {
  at: string;
  what: string;
  phase: GuardSnapshot['phase'];
  effects: string[];
  /** Whether branch protection requiring `release` would let a human merge right now. */
  merge: 'blocked' | 'allowed' | 'merged';
}

export interface Replay {
  title: string;
  lines: TimelineLine[];
  final: GuardSnapshot;
}

/** The latest `release` status per SHA, as branch protection sees it. */
class Protection {
  private readonly latest = new Map<string, string>();

  apply(effects: readonly Effect[]): void {
    for (const effect of effects) if (effect.type === 'SET_STATUS') this.latest.set(effect.sha, effect.state);
  }

  allowsMerge(sha: string): boolean {
    return this.latest.get(sha) === 'success';
  }
}

function describe(effect: Effect): string {
  switch (effect.type) {
    case 'SET_STATUS':
      return `SET_STATUS ${effect.state} "${effect.description}"`;
    case 'START_RELEASE':
      return `START_RELEASE ${effect.version ?? ''}`.trim();
    case 'VERIFY_ARTIFACTS':
      return `VERIFY_ARTIFACTS ${effect.artifacts.map((a) => a.ref).join(', ')}`;
    case 'MERGE':
      return `MERGE #${effect.pr} at ${shortSha(effect.sha)} (${effect.via === 'queue' ? 'merge queue' : effect.method})`;
    case 'DEQUEUE':
      return `DEQUEUE #${effect.pr} at ${shortSha(effect.sha)}`;
    case 'COMMENT':
      return 'COMMENT (timeline updated)';
    case 'ALERT':
      return `ALERT ${effect.reason}`;
  }
}

/** `null`: no event reaches the guard (a human only tries something); a function derives the event from the last effects. */
type ScriptEvent = GuardEvent | null | ((last: Effect[]) => GuardEvent | undefined);

/** Feeds timed events to a guard, applying its status effects to a model of branch protection. */
function run(
  title: string,
  guard: Guard,
  pr: PullRequest,
  opened: string,
  script: readonly [string, string, ScriptEvent][],
): Replay {
  const protection = new Protection();
  let step = guard.start(pr);
  protection.apply(step.effects);
  const gate = (): TimelineLine['merge'] =>
    step.snapshot.phase === 'merged' ? 'merged' : protection.allowsMerge(step.snapshot.headSha) ? 'allowed' : 'blocked';
  const lines: TimelineLine[] = [
    { at: '10:58', what: opened, phase: step.snapshot.phase, effects: step.effects.map(describe), merge: gate() },
  ];
  for (const [at, what, make] of script) {
    const event = typeof make === 'function' ? make(step.effects) : make;
    if (event === undefined) throw new Error(`replay "${title}" at ${at}: the guard did not ask for what comes next`);
    if (event === null) {
      lines.push({ at, what, phase: step.snapshot.phase, effects: [], merge: gate() });
      continue;
    }
    step = guard.next(step.snapshot, { ...event, at: `2023-08-02T${at}:00Z` });
    protection.apply(step.effects);
    lines.push({
      at,
      what,
      phase: step.snapshot.phase,
      effects: step.ignored ? [`(ignored: ${step.ignored})`] : step.effects.map(describe),
      merge: gate(),
    });
  }
  return { title, lines, final: step.snapshot };
}

/**
 * The v0.29 incident, replayed through the guard. At 11:16 the releaser merges by hand: with the
 * guard, branch protection refuses because `release` is pending; the release finishes at 12:41, the
 * image is verified, the check turns green and the bot merges; only then does the chart go out.
 */
export function guardedIncident(guard = createGuard(WEAVE_GITOPS)): Replay {
  return run('v0.29 with release-guard', guard, RELEASE_PR, OPENED, [
    ['11:05', 'the releaser approves the release PR', approved(1)],
    ['11:06', 'the release workflow starts', { type: 'RELEASE_STARTED', sha: SHA, runId: 5738127454 }],
    ['11:16', 'the releaser tries to merge by hand (the incident)', null],
    [
      '12:41',
      'the release workflow ends: wego-app:v0.29.0 pushed',
      { type: 'RELEASE_SUCCEEDED', sha: SHA, runId: 5738127454 },
    ],
    ['12:41', 'the registry has the image', verifiedImage],
    ['12:42', 'the bot’s merge lands (the chart workflow runs after it)', mergedByBot],
  ]);
}

/** The same morning if someone bypasses branch protection and merges at 11:16: the guard records it. */
export function bypassedIncident(guard = createGuard(WEAVE_GITOPS)): Replay {
  return run('v0.29 with branch protection bypassed', guard, RELEASE_PR, OPENED, [
    ['11:05', 'the releaser approves the release PR', approved(1)],
    ['11:06', 'the release workflow starts', { type: 'RELEASE_STARTED', sha: SHA, runId: 5738127454 }],
    ['11:16', 'an admin merges by hand, bypassing protection', { type: 'MERGED', sha: SHA, by: 'releaser' }],
  ]);
}

/** Failure handling, the postmortem's open item: a failed release turns the check red until it is retried. */
export function failedRelease(guard = createGuard(WEAVE_GITOPS)): Replay {
  return run('a failed release, then a retry', guard, RELEASE_PR, OPENED, [
    ['11:05', 'the releaser approves the release PR', approved(1)],
    ['11:06', 'the release workflow starts', { type: 'RELEASE_STARTED', sha: SHA, runId: 1 }],
    [
      '11:20',
      'the image push fails',
      { type: 'RELEASE_FAILED', sha: SHA, runId: 1, reason: 'docker push: 502 Bad Gateway' },
    ],
    ['11:30', 'the releaser approves again', approved(2)],
    ['11:31', 'the release workflow starts again', { type: 'RELEASE_STARTED', sha: SHA, runId: 2 }],
    ['12:10', 'the release workflow ends', { type: 'RELEASE_SUCCEEDED', sha: SHA, runId: 2 }],
    ['12:10', 'the registry has the image', verifiedImage],
    ['12:11', 'the bot’s merge lands', mergedByBot],
  ]);
}

/** The seed's non-release scenario: an ordinary PR is never held up. */
export function ordinaryPullRequest(guard = createGuard(WEAVE_GITOPS)): Replay {
  const pr = {
    ...RELEASE_PR,
    number: 6,
    headRef: 'feature/validation-poc',
    headSha: 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
  };
  return run('an ordinary pull request', guard, pr, 'a contributor opens a pull request', [
    ['11:00', 'a push to the branch', { type: 'HEAD_CHANGED', sha: 'feedfacefeedfacefeedfacefeedfacefeedface' }],
  ]);
}

function approved(reviewId: number): GuardEvent {
  return { type: 'APPROVED', sha: SHA, reviewId, reviewer: 'releaser', authorized: true };
}

function verifiedImage(last: Effect[]): GuardEvent | undefined {
  const verify = last.find((e) => e.type === 'VERIFY_ARTIFACTS');
  return verify && { type: 'ARTIFACT_VERIFIED', sha: SHA, name: 'image', digest: IMAGE_DIGEST };
}

function mergedByBot(last: Effect[]): GuardEvent | undefined {
  const merge = last.find((e) => e.type === 'MERGE');
  return merge && { type: 'MERGED', sha: merge.sha, by: 'release-bot' };
}
