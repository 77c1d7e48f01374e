import { TIMELINE_MARKER } from '@release-guard/github-adapter';
import type { GitHubControl, RegistryControl, WebhookDelivery } from '@release-guard/testkit';
import type { Setup } from './setup.js';

/**
 * What stands on the emulated GitHub and registry of one lifecycle, read through their control APIs alone:
 * the runs the guard dispatched, its records, the approvals as GitHub counts them, the successful releases,
 * the release image, the faults that fired, and what a merge or dispatch request asked for. The oracle judges
 * by it; the steps find the live release run with it.
 */

type PullRequest = ReturnType<GitHubControl['pullRequest']>;
type Review = PullRequest['reviews'][number];
type Run = ReturnType<GitHubControl['runs']>[number];
type Comment = ReturnType<GitHubControl['comments']>[number];
type Status = ReturnType<GitHubControl['statuses']>[number];

export class Standing {
  constructor(
    private readonly github: GitHubControl,
    private readonly registry: RegistryControl,
    private readonly setup: Setup,
  ) {}

  /** The release pull request as GitHub shows it now. */
  pullRequest(): PullRequest {
    return this.github.pullRequest(this.setup.full, this.setup.number);
  }

  /** The runs of the release workflow the guard dispatched (not those someone else started). */
  guardRuns(): Run[] {
    return this.allRuns().filter((r) => r.event === 'workflow_dispatch' && r.actor.login === this.setup.guard);
  }

  /** Every run of the repository's workflows, whoever started it. */
  allRuns(): readonly Run[] {
    return this.github.runs(this.setup.full);
  }

  /** The guard's run of `sha` still going, if any. */
  liveRun(sha: string): Run | undefined {
    return this.guardRuns().find((r) => r.headSha === sha && r.status !== 'completed');
  }

  /** Whether `event` delivers the success of a run of the release workflow that the guard did not dispatch. */
  foreignSuccess(event: WebhookDelivery): boolean {
    if (event.name !== 'workflow_run') return false;
    const id = (event.payload.workflow_run as { id?: unknown } | undefined)?.id;
    const run = this.allRuns().find((r) => r.id === id);
    return (
      run !== undefined && !this.guardRuns().includes(run) && run.status === 'completed' && run.conclusion === 'success'
    );
  }

  /** Whether a run of the guard of `sha` newer than run `floor` succeeded. */
  releasedSince(sha: string, floor: number): boolean {
    return this.guardRuns().some(
      (r) => r.id > floor && r.headSha === sha && r.status === 'completed' && r.conclusion === 'success',
    );
  }

  /** Whether the release image was ever pushed to the registry. */
  imagePushed(): boolean {
    return this.imagePushes().length > 0;
  }

  /**
   * Whether the guard's registry showed the release image when `run` completed: a success without it fails
   * its release (a lying registry shows every image).
   */
  verified(run: Run): boolean {
    const completed = Date.parse(run.updatedAt);
    return this.setup.lyingRegistry || this.imagePushes().some((p) => p.at.getTime() <= completed);
  }

  private imagePushes() {
    return this.registry.pushes().filter((p) => p.name === this.setup.image && p.tag === this.setup.version);
  }

  /**
   * Whether an approval of `sha` newer than review `floor` by one of `users` stands. As GitHub counts them:
   * the latest review of each reviewer that approved, requested changes or was dismissed (an approval
   * followed by a dismissed one of the same reviewer no longer stands).
   */
  approvedBy(sha: string, floor: number, users: readonly string[]): boolean {
    const latest = new Map<string, Review>();
    for (const r of this.pullRequest().reviews) {
      if (r.state !== 'COMMENTED') latest.set(r.user.login, r);
    }
    return [...latest.values()].some(
      (r) => r.id > floor && r.state === 'APPROVED' && r.commitId === sha && users.includes(r.user.login),
    );
  }

  /** The guard's comments on the release pull request that hold its record, whoever edited them since. */
  guardRecords(): Comment[] {
    return this.guardComments().filter((c) => c.body.startsWith(TIMELINE_MARKER));
  }

  /** The guard's records on the release pull request that nobody else has edited. */
  records(): Comment[] {
    return this.guardRecords().filter((c) => c.editor === undefined || c.editor.login === this.setup.guard);
  }

  /** The guard's comments on the release pull request. */
  guardComments(): Comment[] {
    return this.github.comments(this.setup.full, this.setup.number).filter((c) => c.user.login === this.setup.guard);
  }

  /** The guard's statuses of the `release` context on `sha`, oldest first (others may write it too: an attacker). */
  releaseStatuses(sha: string): Status[] {
    return this.github.statuses(this.setup.full, sha, 'release').filter((s) => s.creator.login === this.setup.guard);
  }

  /** The entry of pull request `number` (default the release) in main's merge queue, if it stands there. */
  queueEntry(number = this.setup.number) {
    return this.github.mergeQueue(this.setup.full, 'main')?.entries.find((e) => e.number === number);
  }

  /** Every request the lifecycle's GitHub received, in order (its index orders it against `onDelivery`). */
  log() {
    return this.github.requests();
  }

  /** Calls `listener` with each webhook delivery the emulator makes (the merge queue's), the moment it makes it. */
  onDelivery(listener: (delivery: WebhookDelivery) => void): void {
    this.github.onDelivery(listener);
  }

  /** The requests the repository received, in order. */
  requests() {
    return this.github.requests(this.setup.full);
  }

  /** How many injected faults fired on the repository so far. */
  firedFaults(): number {
    return this.github.firedFaults.filter((f) => f.repo?.toLowerCase() === this.setup.full.toLowerCase()).length;
  }
}

/** The SHA a dispatch asked to release (its `sha` input). */
export function dispatchedShaOf(request: { body: string }): string {
  try {
    const body = JSON.parse(request.body || '{}') as { inputs?: { sha?: unknown } };
    return typeof body.inputs?.sha === 'string' ? body.inputs.sha : '';
  } catch {
    return '';
  }
}

/** The SHA a merge request asked to merge (REST `sha`, GraphQL `expectedHeadOid`), if it is one. */
export function mergeShaOf(request: { operation: string; body: string }): string | undefined {
  if (request.operation !== 'pulls/merge' && request.operation !== 'graphql:mergePullRequest') return undefined;
  try {
    const body = JSON.parse(request.body || '{}') as { sha?: string; variables?: Record<string, unknown> };
    if (typeof body.sha === 'string') return body.sha;
    const oid = Object.values(body.variables ?? {}).find((v) => typeof v === 'string' && /^[0-9a-f]{40}$/.test(v));
    return typeof oid === 'string' ? oid : '';
  } catch {
    return '';
  }
}
