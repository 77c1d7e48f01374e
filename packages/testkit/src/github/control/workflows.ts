/**
 * The CI part of `GitHubControl`: workflow files and their runs, and the commit statuses and check runs
 * written on a commit.
 */

import type { DeclaredInput, WorkflowRunRecord, WorkflowState } from '../state.js';
import { PullRequestControl } from './pull-requests.js';

export class WorkflowControl extends PullRequestControl {
  /**
   * A workflow file; `runName` is its `run-name`, with `${{ inputs.NAME }}` placeholders, and `inputs` the
   * inputs its `on.workflow_dispatch` declares (default none: as on GitHub, a dispatch then takes no input).
   */
  addWorkflow(
    repo: string,
    options: { path: string; name: string; runName?: string; inputs?: Record<string, DeclaredInput> },
  ): number {
    const id = this.state.id();
    const now = this.state.timestamp();
    this.repo(repo).workflows.push({
      id,
      ...options,
      inputs: { ...options.inputs },
      state: 'active',
      createdAt: now,
      updatedAt: now,
    });
    return id;
  }

  /**
   * A workflow disabled (by hand, for inactivity, in a fork) or enabled again: only an `active` one runs,
   * and the others refuse dispatches. `workflow` is its path or file name.
   */
  setWorkflowState(repo: string, workflow: string, state: WorkflowState): void {
    const found = this.repo(repo).workflows.find((w) => w.path === workflow || w.path.endsWith(`/${workflow}`));
    if (!found) throw new Error(`no workflow ${workflow} in ${repo}: add it with control.addWorkflow first`);
    found.state = state;
    found.updatedAt = this.state.timestamp();
  }

  /**
   * A run of a workflow file that the code under test did not dispatch: anyone with write access can make
   * a workflow file run for any SHA (a `pull_request` or `push` trigger on a branch of theirs, or a
   * dispatch by hand). `title` is the run's `display_title` (default: the workflow's name).
   */
  startRun(
    repo: string,
    options: {
      workflow: string;
      headSha: string;
      headBranch: string;
      event: string;
      actor?: string;
      title?: string;
      inputs?: Record<string, string>;
    },
  ): WorkflowRunRecord {
    const record = this.repo(repo);
    const workflow = record.workflows.find(
      (w) => w.path === options.workflow || w.path.endsWith(`/${options.workflow}`),
    );
    if (!workflow) throw new Error(`no workflow ${options.workflow} in ${repo}: add it with control.addWorkflow first`);
    const now = this.state.timestamp();
    const run: WorkflowRunRecord = {
      id: this.state.id(),
      workflowId: workflow.id,
      name: workflow.name,
      displayTitle: options.title ?? workflow.name,
      headSha: options.headSha,
      headBranch: options.headBranch,
      event: options.event,
      status: 'queued',
      conclusion: null,
      runNumber: record.runs.filter((r) => r.workflowId === workflow.id).length + 1,
      runAttempt: 1,
      inputs: options.inputs ?? {},
      actor: this.state.account(options.actor ?? record.owner.login),
      createdAt: now,
      updatedAt: now,
    };
    record.runs.push(run);
    return run;
  }

  /** "Re-run jobs" on a completed run: the same run id, its next attempt, queued again. */
  rerun(repo: string, runId: number): WorkflowRunRecord {
    const run = this.repo(repo).runs.find((r) => r.id === runId);
    if (!run) throw new Error(`no workflow run ${runId} in ${repo}`);
    if (run.status !== 'completed') throw new Error(`workflow run ${runId} is still running and cannot be re-run`);
    run.runAttempt++;
    run.status = 'queued';
    run.conclusion = null;
    run.updatedAt = this.state.timestamp();
    return run;
  }

  /** Moves a run along: `in_progress`, or `completed` with a conclusion. */
  updateRun(
    repo: string,
    runId: number,
    update: { status: WorkflowRunRecord['status']; conclusion?: string },
  ): WorkflowRunRecord {
    const run = this.repo(repo).runs.find((r) => r.id === runId);
    if (!run) throw new Error(`no workflow run ${runId} in ${repo}`);
    run.status = update.status;
    run.conclusion = update.status === 'completed' ? (update.conclusion ?? 'success') : null;
    run.updatedAt = this.state.timestamp();
    return run;
  }

  runs(repo: string): readonly WorkflowRunRecord[] {
    return this.repo(repo).runs;
  }

  /** Every status ever written on `sha` (statuses are append-only), oldest first; only those of `context` when it is given. */
  statuses(repo: string, sha: string, context?: string) {
    return this.repo(repo).statuses.filter((s) => s.sha === sha && (context === undefined || s.context === context));
  }

  checkRuns(repo: string, sha: string) {
    return this.repo(repo).checkRuns.filter((r) => r.headSha === sha);
  }
}
