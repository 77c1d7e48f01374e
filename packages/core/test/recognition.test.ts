import {
  createGuard,
  type Effect,
  type GuardConfig,
  type GuardEvent,
  GuardStateError,
  type PullRequest,
  type SetStatusEffect,
  STATUS_TEXT,
  standingStatus,
} from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { checksum } from '../src/serialize.js';
import { approve, drive, headChanged, started, succeeded, types, verified } from './support/drive.js';
import { issue, issuesOf, releasePr, SHA } from './support/fixtures.js';

const IMAGE = { name: 'image', ref: 'ghcr.io/acme/app:{version}' };
const MANIFEST = '.release-please-manifest.json';

const releasePlease = createGuard({ preset: 'release-please', artifacts: [IMAGE] });
const changesets = createGuard({ preset: 'changesets', artifacts: [IMAGE] });

/** A release-please pull request of the component `app` into main. */
const rpPr = (overrides: Partial<PullRequest> = {}): PullRequest =>
  releasePr({
    headRef: 'release-please--branches--main--components--app',
    title: 'chore(main): release app 0.39.1-rc.1',
    version: undefined,
    versions: undefined,
    ...overrides,
  });
/** A changesets pull request into main, its package.json at the head given. */
const csPr = (packageJson: string | null, overrides: Partial<PullRequest> = {}): PullRequest =>
  releasePr({
    headRef: 'changeset-release/main',
    title: 'Version Packages',
    version: undefined,
    versions: undefined,
    contents: { 'package.json': packageJson },
    ...overrides,
  });

const statuses = (effects: readonly Effect[]) => effects.filter((e): e is SetStatusEffect => e.type === 'SET_STATUS');
const lastStatus = (effects: readonly Effect[]) => {
  const status = statuses(effects).at(-1);
  return status && [status.state, status.description];
};
const startRelease = (effects: readonly Effect[]) => effects.find((e) => e.type === 'START_RELEASE');

describe('the version of a release pull request, read from its source', () => {
  it("release-please: the title's version fills START_RELEASE and {version}", () => {
    const step = drive(releasePlease, rpPr(), [approve(), started(), succeeded()]);
    expect(startRelease(step.all)).toEqual({ type: 'START_RELEASE', sha: SHA.a, version: '0.39.1-rc.1' });
    expect(step.all.find((e) => e.type === 'VERIFY_ARTIFACTS')).toMatchObject({
      artifacts: [{ name: 'image', ref: 'ghcr.io/acme/app:0.39.1-rc.1' }],
    });
  });

  it("changesets: package.json's version at the head", () => {
    const step = drive(changesets, csPr('{"name":"app","version":"2.4.0"}'), [approve()]);
    expect(step.snapshot.pr.version).toBe('2.4.0');
    expect(startRelease(step.all)).toMatchObject({ version: '2.4.0' });
  });

  it('the key "." of .release-please-manifest.json, and a VERSION file', () => {
    const manifest = createGuard({ preset: 'release-please', versionSource: `file:${MANIFEST}#.` });
    const pr = rpPr({ contents: { [MANIFEST]: '{".":"1.7.0","packages/x":"3.0.0"}' } });
    expect(manifest.start(pr).snapshot.pr.version).toBe('1.7.0');
    const file = createGuard({ versionSource: 'file:VERSION' });
    expect(file.start(releasePr({ version: undefined, contents: { VERSION: 'v0.30.0\n' } })).snapshot.pr.version).toBe(
      'v0.30.0',
    );
  });

  it("the 'branch' source takes a version the pull request gives, else the branch's last segment", () => {
    const guard = createGuard();
    expect(guard.start(releasePr({ version: 'v9' })).snapshot.pr.version).toBe('v9');
    expect(guard.start(releasePr({ version: undefined })).snapshot.pr.version).toBe('v0.29.0');
  });
});

describe('a release pull request whose version cannot be read', () => {
  it.each([
    [
      'no version in the title',
      releasePlease,
      rpPr({ title: 'chore: release main' }),
      'the title holds no semantic version (such as 1.2.3)',
    ],
    ['no title given', releasePlease, rpPr({ title: undefined }), 'the title was not given'],
    ['the file not read', changesets, csPr(null, { contents: {} }), 'package.json was not read at the head'],
    ['the file missing', changesets, csPr(null), 'package.json does not exist at the head'],
    ['the key missing', changesets, csPr('{"name":"app"}'), 'package.json has no key "version"'],
    ['not a string', changesets, csPr('{"version":2}'), '"version" in package.json is not a string'],
  ] as const)('%s: locked with a status that says why, and approvals do not release it', (_, guard, pr, problem) => {
    const start = guard.start(pr);
    expect(start.snapshot).toMatchObject({ phase: 'prepared', kind: 'release', pr: { versionProblem: problem } });
    expect(start.snapshot.pr.version).toBeUndefined();
    const [state, description] = lastStatus(start.effects) ?? [];
    expect(state).toBe('pending');
    expect(description).toBe(`${STATUS_TEXT.versionUnreadable}: ${problem}`.slice(0, 140));
    expect(description).not.toBe(STATUS_TEXT.notRequired);
    expect(standingStatus(start.snapshot, 'release')).toMatchObject({ state: 'pending', description });
    const approved = guard.next(start.snapshot, approve());
    expect(approved.snapshot.phase).toBe('prepared');
    expect(approved.effects).toEqual([]);
    expect(approved.ignored).toBe(`the release version cannot be read (${problem}): approve again once it can`);
  });

  it('a run nobody could approve is alerted, and a merge of it is a bypass', () => {
    const pr = rpPr({ title: 'Release' });
    const step = drive(releasePlease, pr, [started(), { type: 'MERGED', sha: SHA.a, by: 'someone' }]);
    expect(types(step.all)).toContain('ALERT');
    expect(step.snapshot.violations).toHaveLength(1);
  });
});

describe('a head change reads the facts of the new head', () => {
  it('a file source reads the new head’s contents; without them the head is locked as unreadable', () => {
    const start = changesets.start(csPr('{"version":"1.0.0"}'));
    const read = changesets.next(start.snapshot, {
      type: 'HEAD_CHANGED',
      sha: SHA.b,
      contents: { 'package.json': '{"version":"1.1.0"}' },
    });
    expect(read.snapshot.pr.version).toBe('1.1.0');
    expect(lastStatus(read.effects)).toEqual(['pending', STATUS_TEXT.locked]);
    const unknown = changesets.next(read.snapshot, headChanged(SHA.c));
    expect(unknown.snapshot.pr).toMatchObject({ versionProblem: 'package.json was not read at the head' });
    expect(unknown.snapshot.pr.version).toBeUndefined();
    expect(lastStatus(unknown.effects)?.[1]).toContain(STATUS_TEXT.versionUnreadable);
  });

  it('the title survives a push unless the event gives a new one', () => {
    const start = releasePlease.start(rpPr());
    expect(releasePlease.next(start.snapshot, headChanged(SHA.b)).snapshot.pr.version).toBe('0.39.1-rc.1');
    const retitled = releasePlease.next(start.snapshot, {
      type: 'HEAD_CHANGED',
      sha: SHA.b,
      title: 'chore(main): release app 0.39.1',
    });
    expect(retitled.snapshot.pr.version).toBe('0.39.1');
  });

  it('a version that can be read again unlocks nothing by itself: the new head needs its approval', () => {
    const step = drive(changesets, csPr(null), [
      approve(),
      { type: 'HEAD_CHANGED', sha: SHA.b, contents: { 'package.json': '{"version":"1.0.0"}' } },
    ]);
    expect(step.snapshot.phase).toBe('prepared');
    expect(step.snapshot.pr.versionProblem).toBeUndefined();
    const approved = changesets.next(step.snapshot, approve(SHA.b, 2));
    expect(approved.snapshot.phase).toBe('approved');
    expect(startRelease(approved.effects)).toMatchObject({ sha: SHA.b, version: '1.0.0' });
  });
});

const PROTECTED: GuardConfig = {
  preset: 'release-please',
  protectedPaths: [MANIFEST, '**/CHANGELOG.md', 'packages/*/package.json'],
};
const guarded = createGuard(PROTECTED);
const feature = (files: PullRequest['files'], filesComplete = true): PullRequest =>
  releasePr({ headRef: 'feature/x', version: undefined, versions: undefined, files, filesComplete });

describe('protected paths: a pull request that is not a release and changes release-managed files', () => {
  const verdict = (pr: PullRequest) => {
    const step = guarded.start(pr);
    return { kind: step.snapshot.kind, status: lastStatus(step.effects) };
  };
  const fails = (path: string) => ({
    kind: 'protected',
    status: ['failure', `${STATUS_TEXT.protectedPaths}: ${path}`],
  });

  it('fails, naming the path, never "release not required"', () => {
    expect(verdict(feature([{ path: 'src/a.ts' }, { path: MANIFEST }]))).toEqual(fails(MANIFEST));
  });

  it('matches ** across zero or more segments and * within one', () => {
    expect(verdict(feature([{ path: 'CHANGELOG.md' }]))).toEqual(fails('CHANGELOG.md'));
    expect(verdict(feature([{ path: 'docs/a/b/CHANGELOG.md' }]))).toEqual(fails('docs/a/b/CHANGELOG.md'));
    expect(verdict(feature([{ path: 'packages/app/package.json' }]))).toEqual(fails('packages/app/package.json'));
    expect(verdict(feature([{ path: 'packages/app/sub/package.json' }])).kind).toBe('not-release');
  });

  it('counts a rename for its old path and its new one', () => {
    expect(verdict(feature([{ path: 'docs/old-changes.md', previousPath: 'CHANGELOG.md' }]))).toEqual(
      fails('CHANGELOG.md'),
    );
    expect(verdict(feature([{ path: 'CHANGELOG.md', previousPath: 'NOTES.md' }]))).toEqual(fails('CHANGELOG.md'));
  });

  it('names the first matching path in sorted order', () => {
    const files = [{ path: 'z/CHANGELOG.md' }, { path: 'src/x.ts' }, { path: MANIFEST }, { path: 'a/CHANGELOG.md' }];
    expect(verdict(feature(files))).toEqual(fails(MANIFEST));
    expect(verdict(feature(files.filter((f) => f.path !== MANIFEST)))).toEqual(fails('a/CHANGELOG.md'));
  });

  it('fails closed on a list GitHub cut short, or on files not given', () => {
    expect(verdict(feature([{ path: 'src/a.ts' }], false))).toEqual({
      kind: 'protected',
      status: ['failure', STATUS_TEXT.filesIncomplete],
    });
    expect(verdict(feature([{ path: MANIFEST }], false))).toEqual(fails(MANIFEST));
    expect(verdict(releasePr({ headRef: 'feature/x', version: undefined }))).toEqual({
      kind: 'protected',
      status: ['failure', STATUS_TEXT.filesUnknown],
    });
  });

  it('other pull requests are still "release not required"; without protected paths, files do not matter', () => {
    expect(verdict(feature([{ path: 'src/a.ts' }]))).toEqual({
      kind: 'not-release',
      status: ['success', STATUS_TEXT.notRequired],
    });
    const plain = createGuard().start(feature([{ path: MANIFEST }], false));
    expect(plain.snapshot.kind).toBe('not-release');
  });

  it('a release pull request may change them; a fork changing them is protected', () => {
    expect(guarded.start(rpPr({ files: [{ path: MANIFEST }], filesComplete: true })).snapshot.kind).toBe('release');
    const fork = rpPr({ fromFork: true, files: [{ path: MANIFEST }], filesComplete: true });
    expect(verdict(fork)).toEqual(fails(MANIFEST));
    expect(verdict({ ...fork, files: [{ path: 'src/a.ts' }] })).toEqual({
      kind: 'fork',
      status: ['failure', STATUS_TEXT.fork],
    });
  });

  it('is judged again on every head change: the files of the new head, unknown when not given', () => {
    const step = drive(guarded, feature([{ path: MANIFEST }]), [
      { type: 'HEAD_CHANGED', sha: SHA.b, files: [{ path: 'src/a.ts' }], filesComplete: true },
      { type: 'HEAD_CHANGED', sha: SHA.c, files: [{ path: 'CHANGELOG.md' }], filesComplete: true },
      headChanged(SHA.a),
    ]);
    expect(statuses(step.all).map((s) => [s.sha, s.state, s.description])).toEqual([
      [SHA.a, 'failure', `${STATUS_TEXT.protectedPaths}: ${MANIFEST}`],
      [SHA.b, 'success', STATUS_TEXT.notRequired],
      [SHA.c, 'failure', `${STATUS_TEXT.protectedPaths}: CHANGELOG.md`],
      [SHA.a, 'failure', STATUS_TEXT.filesUnknown],
    ]);
  });

  it('a reopening at another head reads that head’s files; at the same head it keeps the verdict', () => {
    const closed = drive(guarded, feature([{ path: MANIFEST }]), [{ type: 'CLOSED' }]);
    const same = guarded.next(closed.snapshot, { type: 'REOPENED', sha: SHA.a });
    expect(same.snapshot.kind).toBe('protected');
    const other = guarded.next(closed.snapshot, {
      type: 'REOPENED',
      sha: SHA.b,
      files: [{ path: 'src/a.ts' }],
      filesComplete: true,
    });
    expect([other.snapshot.kind, lastStatus(other.effects)]).toEqual([
      'not-release',
      ['success', STATUS_TEXT.notRequired],
    ]);
  });

  it('merged anyway, it is a bypass: recorded and alerted', () => {
    const step = drive(guarded, feature([{ path: MANIFEST }]), [{ type: 'MERGED', sha: SHA.a, by: 'someone' }]);
    expect(step.snapshot.phase).toBe('merged');
    expect(step.snapshot.violations).toEqual([
      `${SHA.a.slice(0, 7)} was merged by someone although it is not a release and ${STATUS_TEXT.protectedPaths}: ${MANIFEST}: the guard was bypassed.`,
    ]);
    expect(step.effects).toEqual([{ type: 'ALERT', pr: 3906, reason: step.snapshot.violations[0] }]);
    const clean = drive(guarded, feature([{ path: 'src/a.ts' }]), [{ type: 'MERGED', sha: SHA.a, by: 'someone' }]);
    expect([clean.snapshot.violations, clean.effects]).toEqual([[], []]);
  });

  it('judges 3,000 changed paths of 4,000 characters in linear time, each read to its end', () => {
    const deep = createGuard({ protectedPaths: ['packages/*/package.json', '**/CHANGELOG.md'] });
    const files = Array.from({ length: 3000 }, (_, i) => ({ path: `packages/${'a/'.repeat(1995)}${i}/package.json` }));
    const began = performance.now();
    expect(deep.start(feature(files)).snapshot.kind).toBe('not-release');
    expect(performance.now() - began).toBeLessThan(5000);
  });

  it('a protected pull request releases nothing and is never green', () => {
    const step = drive(guarded, feature([{ path: MANIFEST }]), [approve(), started(), succeeded(), verified()]);
    expect(statuses(step.all).map((s) => s.state)).toEqual(['failure']);
    expect(types(step.all)).toEqual(['SET_STATUS']);
  });
});

describe('snapshots of the new kinds round-trip', () => {
  const events: GuardEvent[] = [{ type: 'CLOSED' }];
  it.each([
    ['protected', guarded, feature([{ path: MANIFEST }])],
    ['unreadable', releasePlease, rpPr({ title: 'Release' })],
  ] as const)('%s', (_, guard, pr) => {
    for (const snapshot of [guard.start(pr).snapshot, drive(guard, pr, events).snapshot]) {
      const text = guard.serialize(snapshot);
      expect(guard.serialize(guard.restore(text))).toBe(text);
      expect(guard.restore(text)).toEqual(snapshot);
    }
  });
});

describe('restore refuses snapshots whose recognition does not hold together', () => {
  const forge = (snapshot: Record<string, unknown>) => {
    const body = JSON.stringify(snapshot);
    return JSON.stringify({ schema: 'release-guard/snapshot', version: 1, checksum: checksum(body), snapshot });
  };
  const plain = (pr: PullRequest, guard = guarded) => JSON.parse(JSON.stringify(guard.start(pr).snapshot));

  it('a protected pull request says why, and no other does', () => {
    const { protection: _, ...unexplained } = plain(feature([{ path: MANIFEST }]));
    expect(issuesOf(GuardStateError, () => guarded.restore(forge(unexplained)))).toEqual([
      issue('snapshot.protection', 'a protected pull request, and only one, says why'),
    ]);
    const explained = { ...plain(feature([{ path: 'src/a.ts' }])), protection: 'made up' };
    expect(issuesOf(GuardStateError, () => guarded.restore(forge(explained)))).toEqual([
      issue('snapshot.protection', 'a protected pull request, and only one, says why'),
    ]);
  });

  it('a version problem belongs to a release pull request without a version, never past prepared', () => {
    const unreadable = plain(rpPr({ title: 'Release' }), releasePlease);
    const both = { ...unreadable, pr: { ...unreadable.pr, version: '1.0.0' } };
    expect(issuesOf(GuardStateError, () => releasePlease.restore(forge(both)))).toEqual([
      issue('snapshot.pr.versionProblem', 'only a release pull request without a version'),
    ]);
    const released = { ...unreadable, phase: 'failed', failure: 'release timed out' };
    expect(issuesOf(GuardStateError, () => releasePlease.restore(forge(released)))).toEqual([
      issue('snapshot.phase', "whose version cannot be read cannot be 'failed'"),
    ]);
  });
});
