import { describe, expect, it } from 'vitest';
import { InputError, parseInputs, releaseMode } from '../src/api.js';
import { actionClients } from '../src/clients.js';
import { loadInputs, secretsOf } from '../src/inputs.js';

const env = (inputs: Record<string, string>) =>
  Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));

function inputError(inputs: Record<string, string>): InputError {
  try {
    parseInputs(env(inputs));
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('parseInputs', () => {
  it('applies the defaults', () => {
    const inputs = parseInputs(env({ token: 't0ken' }));
    expect(inputs).toMatchObject({
      command: 'auto',
      statusKind: 'status',
      release: {},
      releaseTimeoutMinutes: 60,
      dryRun: false,
      requireRevision: false,
      config: { mergeMethod: 'merge' },
      approvers: { minimumPermission: 'write' },
      tokens: { token: 't0ken' },
    });
    expect(releaseMode(inputs, 'releases/v1')).toEqual({ kind: 'in-run' });
  });

  it('reads every input', () => {
    const inputs = parseInputs(
      env({
        token: 't',
        'merge-token': 'm',
        command: 'reconcile',
        'release-branch': 'release-*',
        'status-context': 'release',
        'status-kind': 'check-run',
        artifacts:
          '- name: image\n  ref: ghcr.io/weaveworks/wego-app:{version}\n- name: chart\n  ref: ghcr.io/weaveworks/charts/weave-gitops:{version}\n  after: [image]\n  on-merge: true\n',
        'merge-method': 'squash',
        approvers: '@alice, weaveworks/releasers',
        'minimum-permission': 'maintain',
        'release-workflow': 'release.yaml',
        'release-timeout': '90',
        'dry-run': 'true',
        'require-revision': 'true',
        'guard-app-id': '424242',
      }),
    );
    expect(inputs.config).toEqual({
      mergeMethod: 'squash',
      releaseBranch: 'release-*',
      statusContext: 'release',
      artifacts: [
        { name: 'image', ref: 'ghcr.io/weaveworks/wego-app:{version}' },
        { name: 'chart', ref: 'ghcr.io/weaveworks/charts/weave-gitops:{version}', after: ['image'], onMerge: true },
      ],
    });
    expect(inputs.approvers).toEqual({
      users: ['alice'],
      teams: ['weaveworks/releasers'],
      minimumPermission: 'maintain',
    });
    expect(inputs).toMatchObject({
      command: 'reconcile',
      statusKind: 'check-run',
      releaseTimeoutMinutes: 90,
      dryRun: true,
      requireRevision: true,
      guardAppId: 424242,
      tokens: { token: 't', mergeToken: 'm' },
    });
    expect(releaseMode(inputs, 'releases/v1')).toEqual({
      kind: 'dispatch',
      workflow: 'release.yaml',
      ref: 'releases/v1',
    });
  });

  it.each([
    [{}, 'token', 'required'],
    [{ token: 't', command: 'deploy' }, 'command', 'expected one of auto, release-started'],
    [{ token: 't', 'status-kind': 'checks' }, 'status-kind', 'expected one of status, check-run'],
    [{ token: 't', 'merge-method': 'fast-forward' }, 'merge-method', 'expected one of merge, squash, rebase'],
    [{ token: 't', 'release-timeout': '1h' }, 'release-timeout', 'positive whole number'],
    [{ token: 't', 'guard-app-id': 'my-app' }, 'guard-app-id', "expected a positive whole GitHub App id, got 'my-app'"],
    [{ token: 't', 'dry-run': 'yes' }, 'dry-run', 'true or false'],
    [{ token: 't', 'require-revision': 'True' }, 'require-revision', "expected true or false, got 'True'"],
    [{ token: 't', artifacts: 'name: image' }, 'artifacts', 'YAML list'],
    [{ token: 't', artifacts: '- [broken' }, 'artifacts', 'not valid YAML'],
    [
      { token: 't', artifacts: '- name: chart\n  ref: c:{version}\n  after: [imag]' },
      'artifacts',
      "unknown artifact 'imag'",
    ],
    [
      { token: 't', artifacts: '- name: image\n  ref: ghcr.io/a:{vesion}' },
      'artifacts',
      "entry 0 (image): the ref 'ghcr.io/a:{vesion}' has the placeholder {vesion}, which the action never fills",
    ],
  ] as const)('%o is refused, naming %s', (inputs, input, message) => {
    const error = inputError(inputs);
    expect(error.input).toBe(input);
    expect(error.message).toContain(`input '${input}'`);
    expect(error.message).toContain(message);
  });

  it('reads the release tool inputs: a preset, a version source and protected paths, one glob a line', () => {
    const inputs = parseInputs(
      env({
        token: 't',
        preset: 'changesets',
        'version-source': 'file:packages/app/package.json#version',
        'protected-paths': "\n  charts/**  \n# the chart's values, bumped by the release\n\ncharts/*/values.yaml\r\n",
      }),
    );
    expect(inputs.config).toEqual({
      mergeMethod: 'merge',
      preset: 'changesets',
      versionSource: 'file:packages/app/package.json#version',
      protectedPaths: ['charts/**', 'charts/*/values.yaml'],
    });
    expect(parseInputs(env({ token: 't', 'protected-paths': ' \n# none yet\n' })).config).toEqual({
      mergeMethod: 'merge',
    });
  });

  it.each([
    [{ preset: 'release-plz' }, 'preset', "expected one of 'releases', 'release-please', 'changesets'"],
    [{ 'version-source': 'tag' }, 'version-source', "expected 'branch', 'title', or 'file:<path>'"],
    [{ 'version-source': 'file:/package.json' }, 'version-source', '"/package.json" starts with \'/\''],
    [{ 'version-source': 'file:package.json#' }, 'version-source', "expected a key after '#'"],
    [{ 'protected-paths': 'charts/**\n../secrets/*' }, 'protected-paths', "\"../secrets/*\" has an empty, '.' or '..'"],
    [
      { 'protected-paths': '# the chart\ncharts/{app,lib}/Chart.yaml' },
      'protected-paths',
      '"charts/{app,lib}/Chart.yaml" holds "{", brace expansion, which would match no file: list each path on its own line',
    ],
    [
      { 'protected-paths': 'charts/**  # bumped by the release' },
      'protected-paths',
      '"charts/**  # bumped by the release" holds " #", an inline comment, which would match no file: put the comment on a line of its own',
    ],
    [
      { 'protected-paths': Array.from({ length: 51 }, (_, i) => `dir${i}/**`).join('\n') },
      'protected-paths',
      'expected at most 50 entries',
    ],
  ] as const)('%o is refused before any effect, naming the input once: %s', (inputs, input, message) => {
    const error = inputError({ token: 't', ...inputs });
    expect(error.input).toBe(input);
    expect(error.message).toMatch(new RegExp(`^input '${input}': expected`));
    expect(error.message).toContain(message);
  });

  it('names each input of a configuration with several problems', () => {
    const error = inputError({ token: 't', preset: 'nope', 'version-source': 'tag' });
    expect(error.input).toBe('preset');
    expect(error.message).toContain("; version-source: expected 'branch', 'title'");
  });

  it('a blank input takes its default, as the runner passes unset inputs', () => {
    expect(parseInputs(env({ token: 't', 'status-context': '  ', command: '' })).command).toBe('auto');
  });

  it('never puts a token in an error message', () => {
    const error = inputError({ token: 'ghp_s3cr3t', 'merge-token': 'ghp_m3rg3', command: 'nope' });
    expect(error.message).not.toContain('ghp_');
  });
});

describe('loadInputs, which loads YAML and the core only for the inputs that need them', () => {
  const cases: Record<string, string>[] = [
    { token: 't' },
    { token: 't', 'merge-method': 'rebase', approvers: 'alice' },
    { token: 't', 'release-branch': 'release-*' },
    { token: 't', 'release-branch': 'releases/[' },
    { token: 't', 'status-context': 'x'.repeat(300) },
    { token: 't', artifacts: '- name: image\n  ref: ghcr.io/weaveworks/wego-app:{version}' },
    { token: 't', artifacts: '- [broken' },
    { token: 't', artifacts: '- name: chart\n  ref: c:{version}\n  after: [imag]' },
    { token: 't', artifacts: '- name: image\n  ref: ghcr.io/a:{vesion}' },
    { artifacts: '- [broken' },
    { token: 't', command: 'deploy', 'release-branch': 'releases/[' },
    { token: 't', preset: 'release-please' },
    { token: 't', preset: 'release-plz' },
    { token: 't', 'version-source': 'file:package.json#version' },
    { token: 't', 'version-source': 'tag' },
    { token: 't', 'protected-paths': 'charts/**' },
    { token: 't', 'protected-paths': '/charts' },
  ];

  it.each(cases)('%o reads as parseInputs reads it', async (inputs) => {
    const parsed = (() => {
      try {
        return { inputs: parseInputs(env(inputs)) };
      } catch (error) {
        return { error };
      }
    })();
    const loaded = await loadInputs(env(inputs)).then(
      (inputs) => ({ inputs }),
      (error: unknown) => ({ error }),
    );
    expect(loaded).toEqual(parsed);
  });
});

describe('the npmrc input', () => {
  const npmrc = [
    '@acme:registry=https://npm.pkg.github.com',
    '//npm.pkg.github.com/:_authToken=ghp_npmTokenOfTheScope1',
    'registry=https://npm.example.com/',
  ].join('\n');

  it('is kept with the tokens, and only its tokens are masked', () => {
    const inputs = parseInputs(env({ token: 't0ken', npmrc }));
    expect(inputs.tokens).toEqual({ token: 't0ken', npmrc });
    expect(secretsOf(inputs.tokens)).toEqual(['t0ken', 'ghp_npmTokenOfTheScope1']);
  });

  it('gives the registries, scopes and tokens to npm lookups, and the read client to release assets', () => {
    const clients = actionClients(parseInputs(env({ token: 't0ken', npmrc })), {});
    expect(clients.registries).toMatchObject({
      npm: {
        registry: 'https://npm.example.com/',
        scopes: { '@acme': 'https://npm.pkg.github.com/' },
        tokens: { 'npm.pkg.github.com': 'ghp_npmTokenOfTheScope1' },
      },
    });
    expect(clients.registries?.octokit).toBe(clients.octokit);
  });

  it('refuses a registry that is not an http(s) URL, naming the line and not the token', () => {
    const inputs = parseInputs(env({ token: 't0ken', npmrc: `//h/:_authToken=ghp_secret12345\nregistry=ftp://h` }));
    expect(() => actionClients(inputs, {})).toThrow(
      new InputError('npmrc', '.npmrc line 2: registry must be an http(s) URL'),
    );
  });
});
