/** The facts GitHub shows after a true history, as `guard.reconcile` reads them. */
import type { Effect } from '../effects.js';
import type { GuardEvent } from '../events.js';
import { type HeadFacts, headFactsOf } from '../head-facts.js';
import type { PullRequest } from '../pull-request.js';
import type { ApprovalFact, ArtifactFact, GuardFacts, ReleaseRunFact, StatusFact } from '../reconcile.js';

/**
 * What GitHub shows after a sequence of events happened to one pull request, for `guard.reconcile`.
 * Each event leaves the fact it reports: `HEAD_CHANGED` moves the head (closed or not) with the facts it
 * gives of it (`HeadFacts`: the title stays until one is given, an edit of the head keeps what it leaves
 * out), `APPROVED` adds
 * a review and `APPROVAL_DISMISSED` removes it, `RELEASE_STARTED` adds a running run and
 * `RELEASE_SUCCEEDED` or `RELEASE_FAILED` concludes it, `ARTIFACT_VERIFIED` puts the artifact in its
 * registry, `CLOSED`, `REOPENED` and `MERGED` set the pull request's state (a merge is final). The
 * statuses are those of the `SET_STATUS` effects in `written`, in order: what the guard wrote.
 * `ENQUEUED` puts the head in the merge queue and `DEQUEUED` of it, a push, a close or a merge takes it
 * out (`queued`); any event of the queue, or a refusal for it, shows that the base requires the queue
 * (`mergeQueue`). Other refusals, `RETRY`, `TIMED_OUT` and `ARTIFACT_MISSING` leave no fact: GitHub
 * shows no refused merge, no command, no clock and no absence at a moment.
 *
 * @example
 * ```ts
 * const facts = factsOf(pr, events, history.deliveries.flatMap(({ step }) => step.effects));
 * const step = guard.reconcile(stored, facts);
 * ```
 */
export function factsOf(pr: PullRequest, events: readonly GuardEvent[], written: readonly Effect[] = []): GuardFacts {
  let state: GuardFacts['pr']['state'] = 'open';
  let head = pr.headSha;
  let facts: HeadFacts = headFactsOf(pr);
  // What GitHub shows of a head: a push shows the new head's files and contents (none when the event
  // gave none), an edit of the head changes what it gives; the title stays until edited.
  const moveTo = (sha: string, given: HeadFacts) => {
    const title = given.title ?? facts.title;
    facts = sha === head ? { ...facts, ...given } : { ...given, ...(title === undefined ? {} : { title }) };
    head = sha;
  };
  let merged: { sha: string; by: string } | undefined;
  let queued = false;
  let mergeQueue = pr.mergeQueue;
  const approvals: ApprovalFact[] = [];
  const runs: ReleaseRunFact[] = [];
  const artifacts: ArtifactFact[] = [];
  const conclude = (sha: string, runId: string, conclusion: ReleaseRunFact['conclusion'], version?: string) => {
    const run = runs.find((r) => String(r.runId) === runId);
    if (run) run.conclusion = conclusion;
    else runs.push({ runId, sha, conclusion, ...(version === undefined ? {} : { version }) });
  };
  for (const event of events) {
    if (isOfQueue(event)) mergeQueue = true;
    if (event.type === 'ENQUEUED' && event.sha === head && state === 'open') queued = true;
    if ((event.type === 'DEQUEUED' && event.sha === head) || event.type === 'CLOSED' || event.type === 'MERGED') {
      queued = false;
    }
    switch (event.type) {
      case 'HEAD_CHANGED':
        if (state !== 'merged' && event.sha !== head) queued = false;
        if (state !== 'merged') moveTo(event.sha, headFactsOf(event));
        break;
      case 'APPROVED':
        if (!approvals.some((a) => String(a.reviewId) === String(event.reviewId))) {
          approvals.push({
            reviewId: String(event.reviewId),
            reviewer: event.reviewer,
            sha: event.sha,
            authorized: event.authorized,
          });
        }
        break;
      case 'APPROVAL_DISMISSED': {
        const i = approvals.findIndex((a) => String(a.reviewId) === String(event.reviewId));
        if (i >= 0) approvals.splice(i, 1);
        break;
      }
      case 'RELEASE_STARTED':
        if (!runs.some((r) => String(r.runId) === String(event.runId))) {
          const version = event.version === undefined ? {} : { version: event.version };
          runs.push({ runId: String(event.runId), sha: event.sha, conclusion: null, ...version });
        }
        break;
      case 'RELEASE_SUCCEEDED':
        conclude(event.sha, String(event.runId), 'success', event.version);
        break;
      case 'RELEASE_FAILED':
        conclude(event.sha, String(event.runId), 'failure', event.version);
        break;
      case 'ARTIFACT_VERIFIED':
        if (!artifacts.some((a) => a.sha === event.sha && a.name === event.name && a.ref === event.ref)) {
          const ref = event.ref === undefined ? {} : { ref: event.ref };
          artifacts.push({ name: event.name, sha: event.sha, digest: event.digest, ...ref });
        }
        break;
      case 'CLOSED':
        if (state === 'open') state = 'closed';
        break;
      case 'REOPENED':
        if (state === 'closed') {
          state = 'open';
          moveTo(event.sha, headFactsOf(event));
        }
        break;
      case 'MERGED':
        if (state !== 'merged') {
          state = 'merged';
          merged = { sha: event.sha, by: event.by };
        }
        break;
      default:
        break;
    }
  }
  const statuses: StatusFact[] = written.flatMap((e) =>
    e.type === 'SET_STATUS' ? [{ sha: e.sha, state: e.state, description: e.description }] : [],
  );
  const { title: _title, files: _files, filesComplete: _complete, contents: _contents, ...identity } = pr;
  return {
    pr: {
      ...identity,
      ...facts,
      headSha: head,
      ...(mergeQueue === undefined ? {} : { mergeQueue, ...(mergeQueue ? { queued } : {}) }),
      state,
      ...(merged ? { mergedSha: merged.sha, mergedBy: merged.by } : {}),
    },
    approvals,
    releaseRuns: runs,
    artifacts,
    statuses,
  };
}

/** An event of the merge queue, or a refusal of a direct merge because the base requires it. */
function isOfQueue(event: GuardEvent): boolean {
  return (
    event.type === 'ENQUEUED' ||
    event.type === 'DEQUEUED' ||
    event.type === 'MERGE_GROUP' ||
    (event.type === 'MERGE_REJECTED' && event.reason === 'merge-queue')
  );
}

/**
 * The status standing on `sha` once `written` (the `SET_STATUS` effects executed, in order) were
 * written over `facts.statuses`: the last one for it, or undefined.
 */
export function standingOn(sha: string, facts: GuardFacts, written: readonly Effect[] = []): StatusFact | undefined {
  const last = written.findLast((e) => e.type === 'SET_STATUS' && e.sha === sha);
  if (last?.type === 'SET_STATUS') return { sha, state: last.state, description: last.description };
  return facts.statuses?.findLast((s) => s.sha === sha);
}
