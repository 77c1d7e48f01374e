/**
 * A commit and what it carries: its status check rollup (commit statuses and check runs), the pull
 * requests associated with it, and the blobs of its files.
 */

import { blobSha, isBinary } from '../contents.js';
import { nodeId } from '../representations/repository.js';
import { latestStatuses } from '../rest/statuses.js';
import type { CheckRunRecord, CommitStatusRecord, RepositoryRecord } from '../state.js';
import { actor, fieldsOf, identity, type PageArgs, page, prObject, repoObject } from './context.js';

type CommitObject = { repo: RepositoryRecord; sha: string };
type StatusObject = { status: CommitStatusRecord };
type CheckRunObject = { run: CheckRunRecord };
type BlobObject = { repo: RepositoryRecord; content: Buffer };

function latestRuns(runs: readonly CheckRunRecord[]): CheckRunRecord[] {
  const latest = new Map<string, CheckRunRecord>();
  for (const run of runs) latest.set(run.name, run);
  return [...latest.values()];
}

/** The rollup state: any failure -> FAILURE; anything unfinished -> PENDING; else SUCCESS. */
function rollupState(statuses: readonly string[], runs: readonly CheckRunRecord[]): string {
  const failedRun = runs.some(
    (r) => r.status === 'completed' && !['success', 'neutral', 'skipped'].includes(r.conclusion ?? ''),
  );
  if (failedRun || statuses.some((s) => s === 'FAILURE' || s === 'ERROR')) return 'FAILURE';
  if (runs.some((r) => r.status !== 'completed') || statuses.some((s) => s === 'PENDING')) return 'PENDING';
  return 'SUCCESS';
}

const rollup = (repo: RepositoryRecord, sha: string) => {
  const statuses = latestStatuses(repo, sha).reverse();
  const runs = latestRuns(repo.checkRuns.filter((r) => r.headSha === sha));
  const contexts = [
    ...statuses.map((s) => ({ __typename: 'StatusContext', repo, status: s })),
    ...runs.map((r) => ({ __typename: 'CheckRun', repo, run: r })),
  ];
  if (contexts.length === 0) return null;
  return {
    contexts,
    state: rollupState(
      statuses.map((s) => s.state.toUpperCase()),
      runs,
    ),
  };
};

export const commitResolvers = {
  Commit: {
    oid: ({ sha }: CommitObject) => sha,
    statusCheckRollup: ({ repo, sha }: CommitObject) => rollup(repo, sha),
    // The pull requests of this repository whose head is the commit while they are open, or that merged it.
    associatedPullRequests: ({ repo, sha }: CommitObject, args: PageArgs) =>
      page(
        [...repo.pulls.values()]
          .filter((pr) => (pr.state === 'open' && pr.head.sha === sha) || pr.mergeCommitSha === sha)
          .map((pr) => prObject(repo, pr)),
        args,
      ),
  },
  // `isTruncated` is always false: where GitHub starts truncating a blob's text is not documented.
  Blob: {
    id: ({ content }: BlobObject) => nodeId('Blob', blobSha(content)),
    oid: ({ content }: BlobObject) => blobSha(content),
    abbreviatedOid: ({ content }: BlobObject) => blobSha(content).slice(0, 7),
    byteSize: ({ content }: BlobObject) => content.length,
    isBinary: ({ content }: BlobObject) => isBinary(content),
    isTruncated: () => false,
    text: ({ content }: BlobObject) => (isBinary(content) ? null : content.toString('utf8')),
    repository: ({ repo }: BlobObject) => repoObject(repo),
  },
  StatusCheckRollup: {
    state: (value: { state: string }) => value.state,
    contexts: (value: { contexts: unknown[] }, args: PageArgs) => page(value.contexts, args),
  },
  StatusContext: {
    id: ({ status }: StatusObject) => nodeId('StatusContext', status.id),
    ...fieldsOf(({ status }: StatusObject) => status, 'context', 'description', 'targetUrl', 'createdAt'),
    state: ({ status }: StatusObject) => status.state.toUpperCase(),
    creator: ({ status }: StatusObject) => actor(status.creator),
  },
  CheckRun: {
    ...identity('CheckRun', ({ run }: CheckRunObject) => run.id),
    ...fieldsOf(({ run }: CheckRunObject) => run, 'name', 'detailsUrl'),
    status: ({ run }: CheckRunObject) => run.status.toUpperCase(),
    conclusion: ({ run }: CheckRunObject) => run.conclusion?.toUpperCase() ?? null,
    title: ({ run }: CheckRunObject) => run.output.title,
    summary: ({ run }: CheckRunObject) => run.output.summary,
    checkSuite: ({ run }: CheckRunObject) => ({
      app: { databaseId: run.app.id, slug: run.app.slug, name: run.app.name },
    }),
  },
};
