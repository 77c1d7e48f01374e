/**
 * The pull request part of `GitHubControl`: pull requests and what people do on them outside the API
 * calls of the code under test (pushes, merges by hand, reviews, assignees, comments).
 */

import { carryTree } from '../contents.js';
import { dequeue } from '../queue.js';
import { type ChangedFileRecord, type FileStatus, type PullRequestRecord, type Review, shaOf } from '../state.js';
import { RepositoryControl } from './repositories.js';

/** A file a pull request changes, as `control` takes it: `status` defaults to `modified`, the counts to 0. */
export interface PullRequestFile {
  filename: string;
  status?: FileStatus;
  /** The path the file had before (REST's `previous_filename`): required for a rename, allowed for a copy. */
  previousFilename?: string;
  additions?: number;
  deletions?: number;
}

export class PullRequestControl extends RepositoryControl {
  /** Opens a pull request; `head.repo` names a fork (created on demand) for a cross-repository PR. */
  openPullRequest(
    repo: string,
    options: {
      head: { ref: string; sha: string; repo?: string };
      base?: string;
      title?: string;
      body?: string;
      user?: string;
      assignees?: string[];
      /** The files it changes (default none), in the order GitHub lists them. */
      files?: readonly PullRequestFile[];
    },
  ): number {
    const record = this.repo(repo);
    const headRepo = options.head.repo ?? record.fullName;
    if (!this.state.repository(headRepo)) {
      const [owner = '', name = ''] = headRepo.split('/');
      this.createRepository({ owner, name, fork: true });
    }
    const now = this.state.timestamp();
    const number = record.nextNumber++;
    const base = options.base ?? record.defaultBranch;
    const pr: PullRequestRecord = {
      id: this.state.id(),
      number,
      title: options.title ?? `Release ${options.head.ref}`,
      body: options.body ?? '',
      user: this.state.account(options.user ?? record.owner.login),
      assignees: (options.assignees ?? []).map((login) => this.state.account(login)),
      assignments: (options.assignees ?? []).map((login) => ({
        id: this.state.id(),
        assignee: this.state.account(login),
        assigned: true,
        createdAt: now,
      })),
      head: { ref: options.head.ref, sha: options.head.sha, repo: headRepo },
      base: { ref: base, sha: shaOf(`${record.fullName}:${base}`) },
      state: 'open',
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      labels: [],
      reviews: [],
      files: changedFiles(options.files ?? []),
      autoMerge: null,
    };
    record.pulls.set(number, pr);
    // The head branch lives in the head repository: this one, or the fork.
    this.state.repository(headRepo)?.branches.set(pr.head.ref, pr.head.sha);
    return number;
  }

  /**
   * A push to the head branch: the head SHA moves (auto-merge is disabled, as GitHub does, and a queued pull
   * request leaves the merge queue), the new commit starts with the files of the old one, and `files`, when
   * given, replace the files the pull request changes.
   */
  pushHead(repo: string, number: number, sha: string, options: { files?: readonly PullRequestFile[] } = {}): void {
    const pr = this.pullRequest(repo, number);
    if (options.files) pr.files = changedFiles(options.files);
    const head = this.state.repository(pr.head.repo);
    for (const holder of new Set([this.repo(repo), head])) if (holder) carryTree(holder, pr.head.sha, sha);
    pr.head.sha = sha;
    pr.autoMerge = null;
    head?.branches.set(pr.head.ref, sha);
    pr.updatedAt = this.state.timestamp();
    // "GitHub also auto-dequeues on a later push" (cncf/prow-github-actions#166); the reason GitHub gives
    // is not documented.
    dequeue(this.state, this.repo(repo), pr, 'UNKNOWN_REMOVAL_REASON', this.state.account('github-merge-queue[bot]'));
  }

  /** Edits a pull request's title or body, as its author does on GitHub (a `pull_request` `edited` event). */
  editPullRequest(repo: string, number: number, changes: { title?: string; body?: string }): void {
    const pr = this.pullRequest(repo, number);
    if (changes.title !== undefined) pr.title = changes.title;
    if (changes.body !== undefined) pr.body = changes.body;
    pr.updatedAt = this.state.timestamp();
  }

  /** Replaces the files a pull request changes (what `pulls/list-files` and GraphQL `files` list). */
  setPullRequestFiles(repo: string, number: number, files: readonly PullRequestFile[]): void {
    this.pullRequest(repo, number).files = changedFiles(files);
  }

  closePullRequest(repo: string, number: number): void {
    const pr = this.pullRequest(repo, number);
    pr.state = 'closed';
    pr.closedAt = this.state.timestamp();
  }

  reopenPullRequest(repo: string, number: number): void {
    const pr = this.pullRequest(repo, number);
    if (pr.merged) throw new Error(`pull request ${repo}#${number} is merged and cannot be reopened`);
    pr.state = 'open';
    pr.closedAt = null;
  }

  /** A merge by a human, outside any API call the code under test makes (bypassing nothing). */
  mergeByHand(repo: string, number: number, login: string): string {
    const pr = this.pullRequest(repo, number);
    const now = this.state.timestamp();
    Object.assign(pr, {
      merged: true,
      state: 'closed',
      mergedAt: now,
      closedAt: now,
      mergedBy: this.state.account(login),
      mergeCommitSha: shaOf(`merge:${repo}:${number}:${pr.head.sha}`),
    });
    return pr.mergeCommitSha as string;
  }

  /** A review submitted by `user` (on the head unless `commitId` says otherwise); returns its id. */
  submitReview(
    repo: string,
    number: number,
    options: { user: string; state: Review['state']; commitId?: string; body?: string },
  ): number {
    const pr = this.pullRequest(repo, number);
    const review: Review = {
      id: this.state.id(),
      user: this.state.account(options.user),
      state: options.state,
      body: options.body ?? '',
      commitId: options.commitId ?? pr.head.sha,
      submittedAt: this.state.timestamp(),
    };
    pr.reviews.push(review);
    return review.id;
  }

  dismissReview(repo: string, number: number, reviewId: number): void {
    const review = this.pullRequest(repo, number).reviews.find((r) => r.id === reviewId);
    if (!review) throw new Error(`no review ${reviewId} on ${repo}#${number}`);
    review.state = 'DISMISSED';
  }

  pullRequest(repo: string, number: number): PullRequestRecord {
    const pr = this.repo(repo).pulls.get(number);
    if (!pr) throw new Error(`no pull request ${repo}#${number}`);
    return pr;
  }

  /** Replaces the assignees of a pull request (anyone with triage access may, the assignees themselves included). */
  setAssignees(repo: string, number: number, logins: readonly string[]): void {
    const pr = this.pullRequest(repo, number);
    const next = logins.map((login) => this.state.account(login));
    const at = this.state.timestamp();
    const event = (assignee: (typeof next)[number], assigned: boolean) =>
      pr.assignments.push({ id: this.state.id(), assignee, assigned, createdAt: at });
    for (const gone of pr.assignees.filter((a) => !next.includes(a))) event(gone, false);
    for (const added of next.filter((a) => !pr.assignees.includes(a))) event(added, true);
    pr.assignees = next;
    pr.updatedAt = at;
  }

  comments(repo: string, number: number) {
    return this.repo(repo).comments.filter((c) => c.issueNumber === number);
  }

  /**
   * A comment by `user` on pull request `number`, as `issues/create-comment` makes it, without an HTTP
   * round trip (a flood of comments in a few microseconds); returns its id.
   */
  addComment(repo: string, number: number, options: { user: string; body: string }): number {
    const record = this.repo(repo);
    if (!record.pulls.has(number)) throw new Error(`no pull request ${repo}#${number}`);
    const now = this.state.timestamp();
    const id = this.state.id();
    record.comments.push({
      id,
      issueNumber: number,
      body: options.body,
      user: this.state.account(options.user),
      createdAt: now,
      updatedAt: now,
    });
    return id;
  }

  /** Someone with write access edits a comment's body in the web UI (anyone's comment, as GitHub allows). */
  editComment(repo: string, commentId: number, body: string, login: string): void {
    const comment = this.repo(repo).comments.find((c) => c.id === commentId);
    if (!comment) throw new Error(`no comment ${commentId} in ${repo}`);
    comment.body = body;
    comment.updatedAt = this.state.timestamp();
    comment.editor = this.state.account(login);
  }

  /** Someone with write access deletes a comment (anyone's, as GitHub allows). */
  deleteComment(repo: string, commentId: number): void {
    const comments = this.repo(repo).comments;
    const index = comments.findIndex((c) => c.id === commentId);
    if (index < 0) throw new Error(`no comment ${commentId} in ${repo}`);
    comments.splice(index, 1);
  }
}

/** The files as the pull request keeps them, or an error naming what GitHub could never list. */
function changedFiles(files: readonly PullRequestFile[]): ChangedFileRecord[] {
  const seen = new Set<string>();
  return files.map((file) => {
    const { filename, status = 'modified', previousFilename } = file;
    if (!filename) throw new Error('a changed file needs a filename');
    if (seen.has(filename)) throw new Error(`${filename} is listed twice: a pull request changes a path once`);
    seen.add(filename);
    if (status === 'renamed' && !previousFilename)
      throw new Error(`${filename} is renamed but has no previousFilename`);
    if (previousFilename && status !== 'renamed' && status !== 'copied') {
      throw new Error(`${filename} is ${status} but has a previousFilename: only a rename or a copy has one`);
    }
    const count = (name: 'additions' | 'deletions') => {
      const value = file[name] ?? 0;
      if (!Number.isInteger(value) || value < 0)
        throw new Error(`${filename}: ${name} must be a whole number, not ${value}`);
      return value;
    };
    return {
      filename,
      status,
      ...(previousFilename ? { previousFilename } : {}),
      additions: count('additions'),
      deletions: count('deletions'),
    };
  });
}
