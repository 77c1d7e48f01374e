import {
  type GitHubControl,
  pullRequestEvent,
  pullRequestReviewEvent,
  scheduleEvent,
  type WebhookDelivery,
  workflowRunEvent,
} from '@release-guard/testkit';
import type { Random } from './random.js';
import { releaseSha, type Setup, WORKFLOW } from './setup.js';
import type { Standing } from './standing.js';

/**
 * What the steps of a lifecycle act on: its set-up, its GitHub and what stands there, its draws, the
 * delivery of events and its trace; and the release pull request as the harness moves it (its head) with
 * the deliveries GitHub makes of what happens to it.
 */
export interface Stage {
  setup: Setup;
  github: GitHubControl;
  standing: Standing;
  random: Random;
  pr: ReleasePullRequest;
  /** Hands `event` to GitHub's delivery (which may drop, hold back, duplicate or burst it). */
  deliver(event: WebhookDelivery): Promise<void>;
  trace(line: string): void;
}

type Run = ReturnType<GitHubControl['runs']>[number];

export class ReleasePullRequest {
  /** The head as the harness last pushed it (GitHub is told by the step that pushes). */
  head: { ref: string; sha: string };
  private commits = 1;

  constructor(private readonly setup: Setup) {
    this.head = setup.head;
  }

  /** Moves the head to the release branch's next commit. */
  nextCommit(): void {
    this.commits++;
    this.head = { ...this.head, sha: releaseSha(this.setup.n, this.commits) };
  }

  event(
    action: 'opened' | 'synchronize' | 'closed' | 'reopened',
    extra: { merged?: boolean; mergedBy?: string } = {},
  ): WebhookDelivery {
    return pullRequestEvent(action, { repo: this.setup.repo, number: this.setup.number, head: this.head, ...extra });
  }

  review(
    action: 'submitted' | 'dismissed',
    id: number,
    user: string,
    state: 'approved' | 'commented' | 'dismissed',
  ): WebhookDelivery {
    return pullRequestReviewEvent(action, {
      repo: this.setup.repo,
      number: this.setup.number,
      head: this.head,
      review: { id, state, user },
    });
  }

  /** The completion of `run`, a run of the release workflow on `headBranch`, as GitHub delivers it. */
  runCompleted(run: Run, headBranch: string, conclusion: 'success' | 'failure'): WebhookDelivery {
    return workflowRunEvent({
      repo: this.setup.repo,
      runId: run.id,
      workflowName: 'release',
      workflowPath: WORKFLOW,
      headSha: run.headSha,
      headBranch,
      displayTitle: run.displayTitle,
      event: run.event,
      actor: run.actor.login,
      conclusion,
    });
  }

  /** The guard's scheduled sweep of the repository. */
  sweep(): WebhookDelivery {
    return scheduleEvent({ repo: this.setup.repo, cron: '*/15 * * * *' });
  }
}
