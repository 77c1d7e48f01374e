import { blobSha, urlPath } from './contents.js';
import { nodeId, RepositoryRepresentations } from './representations/repository.js';
import {
  type ChangedFileRecord,
  type CheckRunRecord,
  type CommitStatusRecord,
  type IssueCommentRecord,
  lineChanges,
  type PullRequestRecord,
  type RepositoryRecord,
  type Review,
  shaOf,
  type WorkflowRunRecord,
} from './state.js';

/**
 * The largest file whose content `repos/get-content` returns in its JSON media type: "1 MB or smaller: All
 * features of this endpoint are supported" (its description); a larger one comes with `content: ""` and
 * `encoding: "none"` (https://github.com/githubocto/flat-viewer/issues/41 shows such an answer).
 */
const MAX_INLINE_CONTENT = 1024 * 1024;

/**
 * REST representations in the shapes GitHub's OpenAPI description requires. Every response the
 * emulator sends is validated against that description, so a missing field fails the test that
 * triggered it. Accounts and repositories, which the others embed, are in representations/repository.ts.
 */
export class Representations extends RepositoryRepresentations {
  pullRequest(repo: RepositoryRecord, pr: PullRequestRecord, headRepo: RepositoryRecord | undefined) {
    const url = `${this.base}/repos/${repo.fullName}/pulls/${pr.number}`;
    const issueUrl = `${this.base}/repos/${repo.fullName}/issues/${pr.number}`;
    const html = this.html(`${repo.fullName}/pull/${pr.number}`);
    const statuses = `${this.base}/repos/${repo.fullName}/statuses/${pr.head.sha}`;
    return {
      url,
      id: pr.id,
      node_id: nodeId('PullRequest', pr.id),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: issueUrl,
      commits_url: `${url}/commits`,
      review_comments_url: `${url}/comments`,
      review_comment_url: `${this.base}/repos/${repo.fullName}/pulls/comments{/number}`,
      comments_url: `${issueUrl}/comments`,
      statuses_url: statuses,
      number: pr.number,
      state: pr.state,
      locked: false,
      title: pr.title,
      user: this.user(pr.user),
      body: pr.body,
      labels: pr.labels.map((name) => this.label(repo, name)),
      milestone: null,
      active_lock_reason: null,
      created_at: pr.createdAt,
      updated_at: pr.updatedAt,
      closed_at: pr.closedAt,
      merged_at: pr.mergedAt,
      merge_commit_sha: pr.mergeCommitSha,
      assignee: pr.assignees[0] ? this.user(pr.assignees[0]) : null,
      assignees: pr.assignees.map((a) => this.user(a)),
      requested_reviewers: [],
      requested_teams: [],
      head: {
        label: `${headRepo?.owner.login ?? repo.owner.login}:${pr.head.ref}`,
        ref: pr.head.ref,
        sha: pr.head.sha,
        user: this.user(headRepo?.owner ?? repo.owner),
        repo: headRepo ? this.repository(headRepo) : null,
      },
      base: {
        label: `${repo.owner.login}:${pr.base.ref}`,
        ref: pr.base.ref,
        sha: pr.base.sha,
        user: this.user(repo.owner),
        repo: this.repository(repo),
      },
      _links: {
        self: { href: url },
        html: { href: html },
        issue: { href: issueUrl },
        comments: { href: `${issueUrl}/comments` },
        review_comments: { href: `${url}/comments` },
        review_comment: { href: `${this.base}/repos/${repo.fullName}/pulls/comments{/number}` },
        commits: { href: `${url}/commits` },
        statuses: { href: statuses },
      },
      author_association: pr.user.login === repo.owner.login ? 'OWNER' : 'CONTRIBUTOR',
      auto_merge: pr.autoMerge
        ? {
            enabled_by: this.user(pr.autoMerge.enabledBy),
            merge_method: pr.autoMerge.method.toLowerCase(),
            commit_title: pr.title,
            commit_message: '',
          }
        : null,
      draft: false,
      merged: pr.merged,
      mergeable: pr.state === 'open' ? true : null,
      rebaseable: pr.state === 'open' ? true : null,
      mergeable_state: pr.state === 'open' ? 'clean' : 'unknown',
      merged_by: pr.mergedBy ? this.user(pr.mergedBy) : null,
      comments: repo.comments.filter((c) => c.issueNumber === pr.number).length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: 1,
      ...lineChanges(pr),
      changed_files: pr.files.length,
    };
  }

  /**
   * A file a pull request changes (`diff-entry`), its URLs at the head commit; `blob` is its content there,
   * when the head commit's files are set. No `patch`: diffs are not modelled.
   */
  diffEntry(repo: RepositoryRecord, pr: PullRequestRecord, file: ChangedFileRecord, blob: Buffer | undefined) {
    const path = urlPath(file.filename);
    return {
      sha: blob ? blobSha(blob) : shaOf(`blob:${repo.fullName}:${pr.head.sha}:${file.filename}`),
      filename: file.filename,
      status: file.status,
      additions: file.additions,
      deletions: file.deletions,
      changes: file.additions + file.deletions,
      blob_url: this.html(`${repo.fullName}/blob/${pr.head.sha}/${path}`),
      raw_url: this.html(`${repo.fullName}/raw/${pr.head.sha}/${path}`),
      contents_url: `${this.base}/repos/${repo.fullName}/contents/${path}?ref=${pr.head.sha}`,
      ...(file.previousFilename ? { previous_filename: file.previousFilename } : {}),
    };
  }

  /** The list form (`pull-request-simple`): the full form without the counters. */
  pullRequestSimple(repo: RepositoryRecord, pr: PullRequestRecord, headRepo: RepositoryRecord | undefined) {
    const {
      merged: _merged,
      mergeable: _mergeable,
      rebaseable: _rebaseable,
      mergeable_state: _state,
      merged_by: _by,
      comments: _comments,
      review_comments: _reviewComments,
      maintainer_can_modify: _modify,
      commits: _commits,
      additions: _additions,
      deletions: _deletions,
      changed_files: _changed,
      ...simple
    } = this.pullRequest(repo, pr, headRepo);
    return simple;
  }

  /**
   * A file at `ref` (`content-file`), as GitHub's JSON media type has it: base64 in lines of 60 characters,
   * each ending in a newline, and URLs that keep the ref asked for. A file over 1 MB comes without its
   * content (`encoding: none`), as GitHub answers for such files.
   */
  contentFile(repo: RepositoryRecord, ref: string, path: string, content: Buffer) {
    const sha = blobSha(content);
    const self = `${this.base}/repos/${repo.fullName}/contents/${urlPath(path)}?ref=${encodeURIComponent(ref)}`;
    const git = `${this.base}/repos/${repo.fullName}/git/blobs/${sha}`;
    const html = this.html(`${repo.fullName}/blob/${urlPath(ref)}/${urlPath(path)}`);
    const inline = content.length <= MAX_INLINE_CONTENT;
    return {
      type: 'file',
      encoding: inline ? 'base64' : 'none',
      size: content.length,
      name: path.slice(path.lastIndexOf('/') + 1),
      path,
      content: inline ? content.toString('base64').replace(/.{1,60}/g, '$&\n') : '',
      sha,
      url: self,
      git_url: git,
      html_url: html,
      download_url: `${this.base}/_raw/${repo.fullName}/${urlPath(ref)}/${urlPath(path)}`,
      _links: { self, git, html },
    };
  }

  label(repo: RepositoryRecord, name: string) {
    const id = [...name].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) >>> 0, repo.id);
    return {
      id,
      node_id: nodeId('Label', id),
      url: `${this.base}/repos/${repo.fullName}/labels/${encodeURIComponent(name)}`,
      name,
      description: null,
      color: 'ededed',
      default: false,
    };
  }

  status(repo: RepositoryRecord, status: CommitStatusRecord) {
    return {
      url: `${this.base}/repos/${repo.fullName}/statuses/${status.sha}`,
      avatar_url: `${this.base}/_avatars/${status.creator.id}`,
      id: status.id,
      node_id: nodeId('StatusContext', status.id),
      state: status.state,
      description: status.description,
      target_url: status.targetUrl,
      context: status.context,
      created_at: status.createdAt,
      updated_at: status.createdAt,
      creator: this.user(status.creator),
    };
  }

  simpleStatus(repo: RepositoryRecord, status: CommitStatusRecord) {
    const { creator: _creator, ...rest } = this.status(repo, status);
    return { ...rest, required: null };
  }

  checkRun(repo: RepositoryRecord, run: CheckRunRecord) {
    const url = `${this.base}/repos/${repo.fullName}/check-runs/${run.id}`;
    return {
      id: run.id,
      head_sha: run.headSha,
      node_id: nodeId('CheckRun', run.id),
      external_id: run.externalId,
      url,
      html_url: this.html(`${repo.fullName}/runs/${run.id}`),
      details_url: run.detailsUrl,
      status: run.status,
      conclusion: run.conclusion,
      started_at: run.startedAt,
      completed_at: run.completedAt,
      output: {
        title: run.output.title,
        summary: run.output.summary,
        text: run.output.text,
        annotations_count: 0,
        annotations_url: `${url}/annotations`,
      },
      name: run.name,
      check_suite: { id: run.id },
      app: {
        id: run.app.id,
        slug: run.app.slug,
        node_id: nodeId('App', run.app.id),
        owner: this.user(repo.owner),
        name: run.app.name,
        description: null,
        external_url: this.html(`apps/${run.app.slug}`),
        html_url: this.html(`apps/${run.app.slug}`),
        created_at: repo.createdAt,
        updated_at: repo.createdAt,
        permissions: { checks: 'write', statuses: 'write' },
        events: [],
      },
      pull_requests: [],
    };
  }

  review(repo: RepositoryRecord, pr: PullRequestRecord, review: Review) {
    const html = this.html(`${repo.fullName}/pull/${pr.number}#pullrequestreview-${review.id}`);
    const prUrl = `${this.base}/repos/${repo.fullName}/pulls/${pr.number}`;
    return {
      id: review.id,
      node_id: nodeId('PullRequestReview', review.id),
      user: this.user(review.user),
      body: review.body,
      state: review.state,
      html_url: html,
      pull_request_url: prUrl,
      _links: { html: { href: html }, pull_request: { href: prUrl } },
      submitted_at: review.submittedAt,
      commit_id: review.commitId,
      author_association: review.user.login === repo.owner.login ? 'OWNER' : 'COLLABORATOR',
    };
  }

  comment(repo: RepositoryRecord, comment: IssueCommentRecord) {
    return {
      id: comment.id,
      node_id: nodeId('IssueComment', comment.id),
      url: `${this.base}/repos/${repo.fullName}/issues/comments/${comment.id}`,
      html_url: this.html(`${repo.fullName}/pull/${comment.issueNumber}#issuecomment-${comment.id}`),
      body: comment.body,
      user: this.user(comment.user),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      issue_url: `${this.base}/repos/${repo.fullName}/issues/${comment.issueNumber}`,
      author_association: comment.user.login === repo.owner.login ? 'OWNER' : 'CONTRIBUTOR',
    };
  }

  workflowRun(repo: RepositoryRecord, run: WorkflowRunRecord) {
    const url = `${this.base}/repos/${repo.fullName}/actions/runs/${run.id}`;
    const workflow = repo.workflows.find((w) => w.id === run.workflowId);
    return {
      id: run.id,
      name: run.name,
      node_id: nodeId('WorkflowRun', run.id),
      check_suite_id: run.id,
      head_branch: run.headBranch,
      head_sha: run.headSha,
      path: workflow?.path ?? '',
      run_number: run.runNumber,
      run_attempt: run.runAttempt,
      event: run.event,
      display_title: run.displayTitle,
      status: run.status,
      conclusion: run.conclusion,
      workflow_id: run.workflowId,
      url,
      html_url: this.html(`${repo.fullName}/actions/runs/${run.id}`),
      pull_requests: [],
      created_at: run.createdAt,
      updated_at: run.updatedAt,
      actor: this.user(run.actor),
      triggering_actor: this.user(run.actor),
      run_started_at: run.createdAt,
      jobs_url: `${url}/jobs`,
      logs_url: `${url}/logs`,
      check_suite_url: `${this.base}/repos/${repo.fullName}/check-suites/${run.id}`,
      artifacts_url: `${url}/artifacts`,
      cancel_url: `${url}/cancel`,
      rerun_url: `${url}/rerun`,
      workflow_url: `${this.base}/repos/${repo.fullName}/actions/workflows/${run.workflowId}`,
      head_commit: null,
      repository: this.minimalRepository(repo),
      head_repository: this.minimalRepository(repo),
    };
  }
}
