/**
 * What a history says of a pull request's head: its title, its changed files and its files' contents,
 * as the events gave them, and what follows from them under a configuration (the version, whether it
 * may change a protected path). Kept from the events alone, never from the guard's snapshot.
 */
import type { GuardSettings } from '../config.js';
import type { ChangedFile, HeadFacts } from '../head-facts.js';
import type { PullRequest } from '../pull-request.js';
import { versionOf } from '../version-source.js';

export class HeadView {
  private title: string | undefined;
  private files: readonly ChangedFile[] | undefined;
  private filesComplete: boolean | undefined;
  private contents: Readonly<Record<string, string | null>> | undefined;
  /** The protected globs as plain regular expressions: matched apart from the guard's own matcher. */
  private readonly protectedPaths: readonly RegExp[];

  constructor(
    private readonly pr: PullRequest,
    private readonly settings: Pick<GuardSettings, 'versionSource' | 'protectedPaths'>,
  ) {
    this.title = pr.title;
    this.files = pr.files;
    this.filesComplete = pr.filesComplete;
    this.contents = pr.contents;
    this.protectedPaths = settings.protectedPaths.map((glob) => new RegExp(glob.source));
  }

  /** A push (or a reopening at another commit): what the event leaves out is unknown there, but the title. */
  moveTo(facts: HeadFacts): void {
    this.title = facts.title ?? this.title;
    this.files = facts.files;
    this.filesComplete = facts.filesComplete;
    this.contents = facts.contents;
  }

  /** An edit of the same head: what the event leaves out is unchanged. */
  edit(facts: HeadFacts): void {
    this.title = facts.title ?? this.title;
    if (facts.files !== undefined) {
      this.files = facts.files;
      this.filesComplete = facts.filesComplete;
    }
    this.contents = facts.contents ?? this.contents;
  }

  /** The version of a release as the facts give it, undefined when it cannot be read. */
  version(): string | undefined {
    const { versionSource } = this.settings;
    if (versionSource === 'branch' && this.pr.version !== undefined) return this.pr.version;
    const title = this.title === undefined ? {} : { title: this.title };
    const contents = this.contents === undefined ? {} : { contents: this.contents };
    const read = versionOf({ headRef: this.pr.headRef, ...title }, versionSource, contents);
    return 'version' in read ? read.version : undefined;
  }

  /** What an approval covers: the version, or that none can be read. */
  versionKey(): string {
    return this.version() ?? '(cannot be read)';
  }

  /**
   * Whether the head may change a protected path: one of its changed files (old or new path) matches,
   * or its files are not all known.
   */
  mayTouchProtected(): boolean {
    if (this.protectedPaths.length === 0) return false;
    if (this.files === undefined || this.filesComplete !== true) return true;
    return this.files.some((file) =>
      [file.path, file.previousPath].some(
        (path) => path !== undefined && this.protectedPaths.some((p) => p.test(path)),
      ),
    );
  }

  clone(): HeadView {
    return Object.assign(Object.create(HeadView.prototype) as HeadView, this);
  }
}
