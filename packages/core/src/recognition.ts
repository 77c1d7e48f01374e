/**
 * What the guard recognises in a pull request from its facts: its kind, why it fails when it changes
 * release-managed files, and the version of a release, or why that cannot be read.
 */
import type { GuardSettings } from './config.js';
import { GuardEventError } from './errors.js';
import type { HeadFacts } from './head-facts.js';
import { protectionOf } from './protected-paths.js';
import { branchKind, type PullRequest, type PullRequestKind } from './pull-request.js';
import { TEXT_LIMIT } from './snapshot.js';
import { truncate } from './text.js';
import { versionOf } from './version-source.js';

export interface Recognition {
  kind: PullRequestKind;
  /** Why a `protected` pull request fails (the text of its status). */
  protection?: string;
  /** The version of a release (or the one given with any other pull request). */
  version?: string;
  /** Why the version of a release pull request cannot be read; `version` is then absent. */
  versionProblem?: string;
}

type Settings = Pick<GuardSettings, 'releaseBranch' | 'versionSource' | 'protectedPaths'>;

/** The recognition of a pull request as `guard.start` is given it. */
export function recognize(pr: PullRequest, settings: Settings): Recognition {
  const kind = branchKind(pr, settings);
  if (kind !== 'release') return { ...judged(kind, protectionOf(pr, settings.protectedPaths)), ...given(pr.version) };
  if (settings.versionSource === 'branch' && pr.version !== undefined) return { kind, version: pr.version };
  return { kind, ...reading(versionOf(pr, settings.versionSource, pr)) };
}

/**
 * The recognition once the head moved (`sameHead` false: a push, a reopening at another commit) or was
 * edited (`sameHead` true), from what `facts` give. A fact they leave out is unknown at a new head
 * (changed files, file contents: the guard fails closed) and unchanged at the same head; the title
 * survives a push. The kind of branch never changes.
 */
export function recognizeAt(
  known: Recognition & { pr: Pick<PullRequest, 'headRef' | 'fromFork'> },
  facts: HeadFacts,
  sameHead: boolean,
  settings: Settings,
): Recognition {
  const kind = branchKind(known.pr, settings);
  const version = given(known.version);
  if (kind !== 'release') {
    if (sameHead && facts.files === undefined) {
      return {
        kind: known.kind,
        ...(known.protection === undefined ? {} : { protection: known.protection }),
        ...version,
      };
    }
    return { ...judged(kind, protectionOf(facts, settings.protectedPaths)), ...version };
  }
  const source = settings.versionSource;
  const unchanged =
    source === 'branch' ||
    (source === 'title' && facts.title === undefined) ||
    (typeof source === 'object' && sameHead && facts.contents === undefined);
  if (unchanged) {
    return {
      kind,
      ...version,
      ...(known.versionProblem === undefined ? {} : { versionProblem: known.versionProblem }),
    };
  }
  return { kind, ...reading(versionOf({ headRef: known.pr.headRef, ...facts }, source, facts)) };
}

function judged(kind: 'fork' | 'not-release', protection: string | undefined): Recognition {
  return protection === undefined ? { kind } : { kind: 'protected', protection: truncate(protection, TEXT_LIMIT) };
}

function given(version: string | undefined): { version?: string } {
  return version === undefined ? {} : { version };
}

function reading(read: { version: string } | { problem: string }): Pick<Recognition, 'version' | 'versionProblem'> {
  return 'version' in read ? { version: read.version } : { versionProblem: truncate(read.problem, TEXT_LIMIT) };
}

/**
 * A version the caller gives is the `'branch'` source's alone: with another source the guard reads it,
 * and two readings that might disagree are refused rather than one of them silently dropped.
 */
export function assertVersionSource(
  pr: Pick<PullRequest, 'number' | 'version'>,
  settings: Pick<GuardSettings, 'versionSource'>,
): void {
  if (pr.version === undefined || settings.versionSource === 'branch') return;
  const source =
    typeof settings.versionSource === 'string' ? `'${settings.versionSource}'` : settings.versionSource.file;
  throw new GuardEventError(`Pull request #${pr.number} gives a version`, [
    { path: 'version', message: `the guard reads the version from ${source}: leave version out` },
  ]);
}
