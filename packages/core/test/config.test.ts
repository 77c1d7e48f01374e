import {
  createGuard,
  fillRef,
  type GuardConfig,
  GuardConfigError,
  GuardEventError,
  type InputIssue,
  parseArtifactRef,
} from '@release-guard/core';
import { describe, expect, it } from 'vitest';
import { issue, issuesOf, releasePr, SEED_CONFIG, seedGuard } from './support/fixtures.js';

/** Runs `createGuard(config)`, expects a `GuardConfigError`, and returns its issues. */
function configIssues(config: unknown): readonly InputIssue[] {
  return issuesOf(GuardConfigError, () => createGuard(config as GuardConfig));
}

describe('createGuard defaults', () => {
  it('uses status context "release", merge method "merge" and no artifacts', () => {
    for (const guard of [createGuard(), createGuard({})]) {
      expect(guard.settings.statusContext).toBe('release');
      expect(guard.settings.mergeMethod).toBe('merge');
      expect(guard.settings.artifacts).toEqual([]);
    }
  });

  it('puts the configured status context on the status it sets', () => {
    const step = createGuard().start(releasePr({ version: undefined, versions: undefined }));
    expect(step.effects[0]).toMatchObject({ type: 'SET_STATUS', context: 'release', state: 'pending' });
    const custom = createGuard({ statusContext: 'release-gate' }).start(releasePr());
    expect(custom.effects[0]).toMatchObject({ type: 'SET_STATUS', context: 'release-gate' });
  });

  it("matches release branches with the glob 'releases/*', where '*' does not cross '/'", () => {
    const { releaseBranch } = createGuard().settings;
    expect(releaseBranch.test('releases/v1')).toBe(true);
    expect(releaseBranch.test('releases/v0.29.0')).toBe(true);
    expect(releaseBranch.test('releases/a/b')).toBe(false);
    expect(releaseBranch.test('feature/x')).toBe(false);
    expect(releaseBranch.test('releases')).toBe(false);
    expect(releaseBranch.test('xreleases/v1')).toBe(false);
    expect(releaseBranch.test('releases/v1/')).toBe(false);
  });

  it('classifies pull requests with the default glob', () => {
    const guard = createGuard();
    const kind = (headRef: string) => guard.start(releasePr({ headRef, version: undefined, versions: undefined }));
    expect(kind('releases/v1').snapshot).toMatchObject({ phase: 'prepared', kind: 'release' });
    expect(kind('releases/a/b').snapshot).toMatchObject({ phase: 'skipped', kind: 'not-release' });
    expect(kind('feature/x').snapshot).toMatchObject({ phase: 'skipped', kind: 'not-release' });
  });

  it("lets '**' cross '/' and '?' match one character", () => {
    const deep = createGuard({ releaseBranch: 'releases/**' }).settings.releaseBranch;
    expect(deep.test('releases/a/b')).toBe(true);
    expect(deep.test('releases/v1')).toBe(true);
    expect(deep.test('feature/releases/v1')).toBe(false);
    const one = createGuard({ releaseBranch: 'v?' }).settings.releaseBranch;
    expect(one.test('v1')).toBe(true);
    expect(one.test('v12')).toBe(false);
    expect(one.test('v/')).toBe(false);
  });

  it('treats glob characters other than * and ? literally', () => {
    const { releaseBranch } = createGuard({ releaseBranch: 'release.(v1)+' }).settings;
    expect(releaseBranch.test('release.(v1)+')).toBe(true);
    expect(releaseBranch.test('releasex(v1)+')).toBe(false);
    expect(releaseBranch.test('release.v1')).toBe(false);
  });

  it('accepts a RegExp release branch as is', () => {
    const pattern = /^release-\d+$/;
    const guard = createGuard({ releaseBranch: pattern });
    expect(guard.settings.releaseBranch).toBe(pattern);
    const start = (headRef: string) =>
      guard.start(releasePr({ headRef, version: undefined, versions: undefined })).snapshot.kind;
    expect(start('release-12')).toBe('release');
    expect(start('release-x')).toBe('not-release');
    expect(start('releases/v1')).toBe('not-release');
  });

  it('classifies consistently with a global RegExp (no lastIndex carry-over)', () => {
    const guard = createGuard({ releaseBranch: /^releases\//g });
    const pr = releasePr({ version: undefined, versions: undefined });
    const kinds = [1, 2, 3, 4].map(() => guard.start(pr).snapshot.kind);
    expect(kinds).toEqual(['release', 'release', 'release', 'release']);
  });

  it('classifies a matching branch from a fork as fork', () => {
    const step = createGuard().start(releasePr({ fromFork: true }));
    expect(step.snapshot).toMatchObject({ phase: 'skipped', kind: 'fork' });
    expect(step.effects[0]).toMatchObject({ type: 'SET_STATUS', state: 'failure' });
  });
});

describe('GuardConfigError', () => {
  it('reports an unknown top-level key (a typo) and names the expected keys', () => {
    const issues = configIssues({ statusContex: 'release' });
    expect(issues).toEqual([issue('statusContex', 'unknown field', 'statusContext')]);
  });

  it('reports an empty statusContext', () => {
    expect(configIssues({ statusContext: '' })).toEqual([issue('statusContext', 'non-empty string')]);
  });

  it('reports a statusContext that is not a string', () => {
    expect(configIssues({ statusContext: 7 })).toEqual([issue('statusContext', 'non-empty string', 'number 7')]);
  });

  it('reports a bad mergeMethod and lists the allowed ones', () => {
    expect(configIssues({ mergeMethod: 'fast-forward' })).toEqual([
      issue('mergeMethod', "'merge', 'squash', 'rebase'", 'fast-forward'),
    ]);
  });

  it('reports a releaseBranch that is neither a glob nor a RegExp', () => {
    expect(configIssues({ releaseBranch: 42 })).toEqual([issue('releaseBranch', 'glob string or a RegExp')]);
    expect(configIssues({ releaseBranch: '' })).toEqual([issue('releaseBranch', 'non-empty string')]);
  });

  it.each([
    ['releases/{v1,v2}', '"{" (at position 10) is brace expansion'],
    ['releases/v[0-9]*', '"[" (at position 11) is a character class'],
    ['!feature/*', '"!" (at position 1) is a negation'],
    ['releases/* # the release branches', '" #" (at position 11) is an inline comment'],
    ['releases/~v1', '"~" (at position 10) cannot appear in a branch name'],
  ])(
    'refuses the release branch glob %s, which would match no pull request, naming the character only',
    (glob, what) => {
      const [problem] = configIssues({ releaseBranch: glob });
      expect(problem).toEqual(issue('releaseBranch', what, 'match no pull request', 'pass a RegExp'));
      expect(problem?.message).not.toContain(glob);
    },
  );

  it('reports artifacts that are not an array', () => {
    expect(configIssues({ artifacts: { name: 'image', ref: 'x' } })).toEqual([issue('artifacts', 'expected an array')]);
    expect(configIssues({ artifacts: 'image' })).toEqual([issue('artifacts', 'expected an array')]);
  });

  it('reports an artifact entry that is not an object', () => {
    expect(configIssues({ artifacts: ['image'] })).toEqual([issue('artifacts.0', 'expected an object')]);
  });

  it('reports an artifact without a name', () => {
    expect(configIssues({ artifacts: [{ ref: 'ghcr.io/acme/app:{version}' }] })).toEqual([
      issue('artifacts.0.name', 'non-empty string', 'nothing'),
    ]);
  });

  it('reports an artifact without a ref', () => {
    expect(configIssues({ artifacts: [{ name: 'image', ref: 'a' }, { name: 'chart' }] })).toEqual([
      issue('artifacts.1.ref', 'non-empty string', 'nothing'),
    ]);
  });

  it('reports an unknown artifact field', () => {
    expect(configIssues({ artifacts: [{ name: 'image', ref: 'a', afterr: [] }] })).toEqual([
      issue('artifacts.0.afterr', 'unknown field', 'after'),
    ]);
  });

  it('reports duplicate artifact names at the second occurrence', () => {
    const issues = configIssues({
      artifacts: [
        { name: 'image', ref: 'ghcr.io/acme/app:{version}' },
        { name: 'image', ref: 'docker.io/acme/app:{version}' },
      ],
    });
    expect(issues).toEqual([issue('artifacts.1.name', "duplicate artifact name 'image'")]);
  });

  it('reports an unknown `after` name with the known names', () => {
    const issues = configIssues({
      artifacts: [
        { name: 'image', ref: 'ghcr.io/acme/app:{version}' },
        { name: 'chart', ref: 'ghcr.io/acme/chart:{chart}', after: ['imag'] },
      ],
    });
    expect(issues).toEqual([issue('artifacts.1.after.0', "unknown artifact 'imag'", 'known: image, chart')]);
  });

  it('reports a non-array `after` and a non-string `after` entry', () => {
    expect(configIssues({ artifacts: [{ name: 'a', ref: 'r', after: 'b' }] })).toEqual([
      issue('artifacts.0.after', 'expected an array'),
    ]);
    expect(configIssues({ artifacts: [{ name: 'a', ref: 'r', after: [1] }] })).toEqual([
      issue('artifacts.0.after.0', 'non-empty string', 'number 1'),
    ]);
  });

  it('reports a cycle in `after` once, naming the cycle', () => {
    const issues = configIssues({
      artifacts: [
        { name: 'a', ref: 'r/a', after: ['b'] },
        { name: 'b', ref: 'r/b', after: ['a'] },
      ],
    });
    expect(issues).toEqual([issue('artifacts.0.after', 'cycle', 'a -> b -> a')]);
  });

  it('reports a longer cycle that does not start at the first artifact', () => {
    const issues = configIssues({
      artifacts: [
        { name: 'root', ref: 'r/root' },
        { name: 'a', ref: 'r/a', after: ['root', 'c'] },
        { name: 'b', ref: 'r/b', after: ['a'] },
        { name: 'c', ref: 'r/c', after: ['b'] },
      ],
    });
    expect(issues).toEqual([issue('artifacts.1.after', 'cycle', 'a -> c -> b -> a')]);
  });

  it('reports an artifact ordered after itself', () => {
    const issues = configIssues({ artifacts: [{ name: 'a', ref: 'r/a', after: ['a'] }] });
    expect(issues).toEqual([issue('artifacts.0.after', 'cycle', 'a -> a')]);
  });

  it('points an unknown `after` at the right entry when an earlier artifact is invalid', () => {
    const issues = configIssues({
      artifacts: [{ name: 'image' }, { name: 'chart', ref: 'ghcr.io/acme/chart:{chart}', after: ['imag'] }],
    });
    expect(issues).toEqual([
      issue('artifacts.0.ref', 'non-empty string'),
      issue('artifacts.1.after.0', "unknown artifact 'imag'"),
    ]);
  });

  it('points a cycle at the right entry when an earlier artifact is invalid', () => {
    const issues = configIssues({
      artifacts: [{ ref: 'r/nameless' }, { name: 'a', ref: 'r/a', after: ['a'] }],
    });
    expect(issues).toEqual([
      issue('artifacts.0.name', 'non-empty string'),
      issue('artifacts.1.after', 'cycle', 'a -> a'),
    ]);
  });

  it('accepts an acyclic diamond of `after`', () => {
    const guard = createGuard({
      artifacts: [
        { name: 'base', ref: 'r/base' },
        { name: 'left', ref: 'r/left', after: ['base'] },
        { name: 'right', ref: 'r/right', after: ['base'] },
        { name: 'top', ref: 'r/top', after: ['left', 'right'], onMerge: true },
      ],
    });
    expect(guard.settings.artifacts.map((a) => [a.name, a.after, a.onMerge])).toEqual([
      ['base', [], false],
      ['left', ['base'], false],
      ['right', ['base'], false],
      ['top', ['left', 'right'], true],
    ]);
  });

  it('reports a bad placeholder in a ref and says which placeholders are valid', () => {
    const issues = configIssues({ artifacts: [{ name: 'image', ref: 'ghcr.io/acme/app:{ver sion}' }] });
    expect(issues).toEqual([issue('artifacts.0.ref', "invalid placeholder '{ver sion}'", '{version}')]);
  });

  it('reports an empty placeholder in a ref', () => {
    const issues = configIssues({ artifacts: [{ name: 'image', ref: 'ghcr.io/acme/app:{}' }] });
    expect(issues).toEqual([issue('artifacts.0.ref', "invalid placeholder '{}'")]);
  });

  it('reports an unclosed placeholder in a ref', () => {
    // '{version' is a typo for '{version}': left as is, the ref names an image that can never exist.
    const issues = configIssues({ artifacts: [{ name: 'image', ref: 'ghcr.io/acme/app:{version' }] });
    expect(issues).toContainEqual({ path: 'artifacts.0.ref', message: expect.stringContaining('{version') });
  });

  it('accepts npm package and release asset refs, templated or not, and fillRef fills them', () => {
    const artifacts = [
      { name: 'cli', ref: 'npm:@acme/cli@{version}' },
      { name: 'lib', ref: 'npm:left-pad@1.3.0' },
      { name: 'pinned', ref: 'npm:@acme/{package}@v{version}' },
      { name: 'binary', ref: 'gh-release:weaveworks/weave-gitops@v{version}/gitops-linux-x86_64.tar.gz' },
      { name: 'nested', ref: 'gh-release:acme/app@release/{version}/app-{version}.zip' },
    ];
    const { settings } = createGuard({ artifacts });
    expect(settings.artifacts.map((a) => a.ref)).toEqual(artifacts.map((a) => a.ref));
    const filled = settings.artifacts.map(
      (a) => fillRef(a.ref, { version: '1.4.0', versions: { package: 'lib' } }).ref,
    );
    expect(filled).toEqual([
      'npm:@acme/cli@1.4.0',
      'npm:left-pad@1.3.0',
      'npm:@acme/lib@v1.4.0',
      'gh-release:weaveworks/weave-gitops@v1.4.0/gitops-linux-x86_64.tar.gz',
      'gh-release:acme/app@release/1.4.0/app-1.4.0.zip',
    ]);
    expect(filled.map((ref) => parseArtifactRef(ref))).toMatchObject([
      { ref: { kind: 'npm', name: '@acme/cli', scope: '@acme', version: '1.4.0' } },
      { ref: { kind: 'npm', name: 'left-pad', version: '1.3.0' } },
      { ref: { kind: 'npm', name: '@acme/lib', version: '1.4.0' } },
      { ref: { kind: 'gh-release', owner: 'weaveworks', repo: 'weave-gitops', tag: 'v1.4.0' } },
      { ref: { kind: 'gh-release', owner: 'acme', repo: 'app', tag: 'release/1.4.0', asset: 'app-1.4.0.zip' } },
    ]);
  });

  it.each([
    ['npm:@acme/cli', 'names an exact version'],
    ['npm:@acme/cli@^1.2.0', "'^1.2.0' is not an exact version"],
    ['npm:@acme/cli@latest', "'latest' is not an exact version"],
    ['npm:@acme@{version}', "'@acme' is not an npm package name"],
    ['npm:@acme/cli/x@{version}', "'@acme/cli/x' is not an npm package name"],
    ['npm:.hidden@{version}', "'.hidden' is not an npm package name"],
    ['npm:my pkg@{version}', "'my pkg' is not an npm package name"],
    ['npm:cli@v{version} beta', "'v{…} beta' is not an exact version"],
    ['gh-release:acme/app@v{version}', 'is written gh-release:<owner>/<repo>@<tag>/<asset name>'],
    ['gh-release:acme@v{version}/app.zip', 'is written gh-release:<owner>/<repo>@<tag>/<asset name>'],
    ['gh-release:acme/app@v{version}/', "ends with the asset's file name"],
    ['gh-release:ac_me/app@v1/app.zip', "'ac_me' is not a GitHub owner"],
    ['gh-release:acme/a b@v1/app.zip', "'a b' is not a repository name"],
    ['gh-release:acme/app@v..{version}/app.zip', "'v..{…}' is not a git tag name"],
    ['gh-releases:acme/app@v{version}/app.zip', "unknown kind of artifact 'gh-releases:'"],
    ['oci:ghcr.io/acme/app:{version}', "unknown kind of artifact 'oci:'"],
  ])('refuses the malformed ref %s, saying how to write it', (ref, message) => {
    expect(configIssues({ artifacts: [{ name: 'a', ref }] })).toEqual([
      { path: 'artifacts.0.ref', message: expect.stringContaining(message) },
    ]);
  });

  it('leaves OCI references, host:port ones included, to the adapter', () => {
    for (const ref of [
      'nginx:1.27',
      'registry:{port}/app:v1',
      'localhost:5000/app:{version}',
      '127.0.0.1:5000/a/b:v1',
      'ghcr.io/a/b:{version}',
    ]) {
      expect(parseArtifactRef(ref)).toEqual({ ref: { kind: 'oci', ref } });
    }
  });

  it('reports onMerge that is not a boolean', () => {
    expect(configIssues({ artifacts: [{ name: 'chart', ref: 'r/{chart}', onMerge: 'yes' }] })).toEqual([
      issue('artifacts.0.onMerge', 'true or false', 'yes'),
    ]);
  });

  it('reports a configuration that is not an object', () => {
    expect(configIssues(null)).toEqual([issue('', 'expected an object', 'null')]);
    expect(configIssues([])).toEqual([issue('', 'expected an object', 'an array')]);
  });

  it('reports every problem at once', () => {
    const issues = configIssues({
      statusContex: 'release',
      statusContext: '',
      mergeMethod: 'ff',
      releaseBranch: 3,
      artifacts: [
        { name: 'image', ref: 'ghcr.io/acme/app:{ver sion}', onMerge: 'no' },
        { name: 'image', ref: 'ghcr.io/acme/app2:{version}' },
        { name: 'chart', ref: 'ghcr.io/acme/chart:{chart}', after: ['imag'] },
        { name: 'x', ref: 'r/x', after: ['x'] },
        { ref: 'ghcr.io/acme/docs' },
      ],
    });
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'statusContex',
        'statusContext',
        'mergeMethod',
        'releaseBranch',
        'artifacts.0.ref',
        'artifacts.0.onMerge',
        'artifacts.1.name',
        'artifacts.2.after.0',
        'artifacts.3.after',
        'artifacts.4.name',
      ].sort(),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        issue('statusContex', 'unknown field'),
        issue('statusContext', 'non-empty string'),
        issue('mergeMethod', "'merge', 'squash', 'rebase'"),
        issue('releaseBranch', 'glob string or a RegExp'),
        issue('artifacts.0.ref', "invalid placeholder '{ver sion}'"),
        issue('artifacts.0.onMerge', 'true or false'),
        issue('artifacts.1.name', "duplicate artifact name 'image'"),
        issue('artifacts.2.after.0', "unknown artifact 'imag'"),
        issue('artifacts.3.after', 'cycle', 'x -> x'),
        issue('artifacts.4.name', 'non-empty string'),
      ]),
    );
  });

  it('reports too many artifacts', () => {
    const artifacts = Array.from({ length: 21 }, (_, i) => ({ name: `a${i}`, ref: `r/${i}` }));
    expect(configIssues({ artifacts })).toEqual([issue('artifacts', 'at most 20 entries', '21')]);
  });
});

describe('guard.start checks that artifact refs can be filled', () => {
  function startIssues(run: () => unknown): readonly InputIssue[] {
    let caught: unknown;
    try {
      run();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GuardEventError);
    const error = caught as GuardEventError;
    expect(error.name).toBe('GuardEventError');
    return error.issues;
  }

  it('throws GuardEventError naming versions.chart when the chart version is missing', () => {
    const guard = seedGuard();
    const issues = startIssues(() => guard.start(releasePr({ versions: {} })));
    expect(issues).toEqual([issue('versions.chart', "artifact 'chart'", '{chart}')]);
    expect(startIssues(() => guard.start(releasePr({ versions: { other: '1' } })))).toEqual([
      issue('versions.chart', "artifact 'chart'"),
    ]);
  });

  it('names versions.chart when it is missing; without a version given, {version} is read from the branch', () => {
    const issues = startIssues(() => seedGuard().start(releasePr({ version: undefined, versions: undefined })));
    expect(issues).toEqual([issue('versions.chart', "artifact 'chart'")]);
    const step = seedGuard().start(releasePr({ version: undefined }));
    expect(step.snapshot.pr.version).toBe('v0.29.0');
  });

  it('refuses a version given where the guard reads the version from the title or a file', () => {
    for (const versionSource of ['title', 'file:VERSION'] as const) {
      const issues = startIssues(() => createGuard({ versionSource }).start(releasePr({ title: 'release 1.0.0' })));
      expect(issues).toEqual([issue('version', 'leave version out')]);
    }
  });

  it('starts when every placeholder can be filled, and fills them in VERIFY_ARTIFACTS', () => {
    const guard = createGuard(SEED_CONFIG);
    const pr = releasePr();
    let step = guard.start(pr);
    expect(step.snapshot.phase).toBe('prepared');
    const sha = pr.headSha;
    step = guard.next(step.snapshot, { type: 'APPROVED', sha, reviewId: 1, reviewer: 'maintainer', authorized: true });
    step = guard.next(step.snapshot, { type: 'RELEASE_STARTED', sha, runId: 'run-1' });
    step = guard.next(step.snapshot, { type: 'RELEASE_SUCCEEDED', sha, runId: 'run-1' });
    // The chart is published by the merge (onMerge), so only the image is verified before unlock.
    expect(step.effects.filter((e) => e.type === 'VERIFY_ARTIFACTS')).toEqual([
      { type: 'VERIFY_ARTIFACTS', sha, artifacts: [{ name: 'image', ref: 'ghcr.io/weaveworks/wego-app:v0.29.0' }] },
    ]);
  });

  it('does not require versions of a pull request that is not a release', () => {
    const step = seedGuard().start(releasePr({ headRef: 'feature/x', version: undefined, versions: undefined }));
    expect(step.snapshot.phase).toBe('skipped');
  });
});
