/**
 * The facts of a pull request's head that recognising it needs beyond the observe query: every file it
 * changes (for `protectedPaths`) and the text of a version file (for a `versionSource` file).
 */
import type { Octokit } from '@octokit/rest';
import { type ChangedFile, MAX_FILES } from '@release-guard/core';
import type { PullRequestRef } from './observe.js';
import type { Connection } from './observe-query.js';

/** The first page of changed files and their count, as the observe query reads them. */
export interface FirstFiles {
  changedFiles: number;
  files: Connection<{ path: string; changeType: string }>;
}

/**
 * Every file the pull request at `head` changes, and whether that is all of them. The first 100 come with
 * the observe query and are enough when they are all and none is a rename: GraphQL names a renamed file
 * by its new path only, and a rename changes its old path too. Otherwise REST lists them
 * (`previous_filename` is the old path), 100 a call, and the pull request is read again: REST lists the
 * files of the head as it is when it answers, so files listed after a push are not the files of `head`,
 * which stay unknown (undefined: the guard keeps what it knew of `head`, or fails closed). GitHub lists
 * at most 3,000 files: a pull request with more is incomplete.
 */
export async function changedFilesOf(
  octokit: Octokit,
  ref: PullRequestRef,
  head: string,
  first?: FirstFiles,
): Promise<{ files: ChangedFile[]; filesComplete: boolean } | undefined> {
  const renamed = first?.files.nodes.some((file) => file.changeType === 'RENAMED') ?? true;
  if (first && !first.files.pageInfo.hasNextPage && !renamed) {
    const files = first.files.nodes.map((file) => ({ path: file.path }));
    return { files, filesComplete: files.length >= first.changedFiles };
  }
  const pull = { owner: ref.owner, repo: ref.repo, pull_number: ref.number };
  const listed = await octokit.paginate(octokit.rest.pulls.listFiles, { ...pull, per_page: 100 });
  const { data: after } = await octokit.rest.pulls.get(pull);
  const files = listed.slice(0, MAX_FILES).map((file) => ({
    path: file.filename,
    ...(file.previous_filename ? { previousPath: file.previous_filename } : {}),
  }));
  if (after.head.sha !== head) return undefined;
  const counted = after.changed_files;
  return { files, filesComplete: counted <= MAX_FILES && files.length >= counted };
}

/**
 * The text of the file at `path` in commit `sha`, or null where there is none (GitHub answers 404). A
 * directory, or a file too large for the contents API (over 1 MB, sent without its content), reads as
 * empty text: it holds no version.
 */
export async function fileAt(
  octokit: Octokit,
  repo: { owner: string; repo: string },
  path: string,
  sha: string,
): Promise<string | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ ...repo, path, ref: sha });
    if (Array.isArray(data) || data.type !== 'file' || !('content' in data) || data.encoding !== 'base64') return '';
    return Buffer.from(data.content, 'base64').toString('utf8');
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}
