/**
 * What the caller reads on GitHub about a pull request at its head, for the guard to recognise it: its
 * title, the files it changes and the text of the files a version is read from.
 */
import { type Checker, join, kindOf } from './check.js';

/** A file a pull request changes, as GitHub lists it: its path, and for a rename the path it had before. */
export interface ChangedFile {
  path: string;
  /** The path before a rename (GitHub's `previous_filename`). */
  previousPath?: string;
}

/**
 * Facts of a pull request at its head, each optional: `PullRequest` carries them, and so do the events
 * that move or edit the head (`HEAD_CHANGED`, `REOPENED`, `EDITED`).
 */
export interface HeadFacts {
  /** The title, which `versionSource: 'title'` reads the version from. */
  title?: string;
  /**
   * The files the pull request changes (adds, modifies, deletes or renames), as GitHub lists them: at
   * most `MAX_FILES`. Checked against `protectedPaths`; give `filesComplete` with it.
   */
  files?: ChangedFile[];
  /** Whether `files` lists every changed file (GitHub lists at most 3,000); with `false` the guard fails closed. */
  filesComplete?: boolean;
  /** The text of files at the head by path (`null` where the file does not exist), for a `versionSource` file. */
  contents?: Record<string, string | null>;
}

export const HEAD_FACT_KEYS: readonly (keyof HeadFacts)[] = ['title', 'files', 'filesComplete', 'contents'];

/** GitHub lists at most this many files of a pull request. */
export const MAX_FILES = 3000;
/** At most this many files' `contents`, of at most `MAX_CONTENT_LENGTH` characters each. */
export const MAX_CONTENTS = 20;
export const MAX_CONTENT_LENGTH = 1_000_000;
/** Longest title or path accepted (GitHub's titles hold 256 characters, git's paths 4,096 bytes). */
const MAX_TITLE = 1024;
const MAX_FILE_PATH = 4096;

/** The head facts an event or a pull request carries, without its other fields. */
export function headFactsOf(value: HeadFacts): HeadFacts {
  const facts: HeadFacts = {};
  if (value.title !== undefined) facts.title = value.title;
  if (value.files !== undefined) facts.files = value.files;
  if (value.filesComplete !== undefined) facts.filesComplete = value.filesComplete;
  if (value.contents !== undefined) facts.contents = value.contents;
  return facts;
}

/** Checks the head facts of `value` (a pull request or an event), reporting into `check` under `path`. */
export function checkHeadFacts(value: Record<string, unknown>, path: string, check: Checker): void {
  check.optionalString(value.title, join(path, 'title'), { max: MAX_TITLE });
  if ((value.files === undefined) !== (value.filesComplete === undefined)) {
    const missing = value.files === undefined ? 'files' : 'filesComplete';
    check.fail(join(path, missing), 'expected files and filesComplete together: the list, and whether it is whole');
  }
  if (value.filesComplete !== undefined) check.boolean(value.filesComplete, join(path, 'filesComplete'));
  if (value.files !== undefined && check.array(value.files, join(path, 'files'), MAX_FILES)) {
    value.files.forEach((file, i) => {
      const at = join(join(path, 'files'), i);
      if (!check.record(file, at)) return;
      check.onlyKeys(file, at, ['path', 'previousPath']);
      check.string(file.path, join(at, 'path'), { max: MAX_FILE_PATH });
      check.optionalString(file.previousPath, join(at, 'previousPath'), { max: MAX_FILE_PATH });
    });
  }
  if (value.contents !== undefined && check.record(value.contents, join(path, 'contents'))) {
    const entries = Object.entries(value.contents);
    if (entries.length > MAX_CONTENTS) check.fail(join(path, 'contents'), `expected at most ${MAX_CONTENTS} files`);
    for (const [file, text] of entries.slice(0, MAX_CONTENTS)) {
      const at = join(join(path, 'contents'), file.slice(0, 100));
      if (file.length === 0 || file.length > MAX_FILE_PATH) check.fail(at, 'expected a file path as the key');
      if (text !== null && (typeof text !== 'string' || text.length > MAX_CONTENT_LENGTH)) {
        check.fail(
          at,
          `expected the file's text (at most ${MAX_CONTENT_LENGTH} characters) or null, got ${kindOf(text)}`,
        );
      }
    }
  }
}
