import { parseArtifactRef } from './artifact-ref.js';
import { Checker, join } from './check.js';
import { GuardConfigError } from './errors.js';
import { foreignGlobSyntax, globToRegExp } from './glob.js';
import { PRESET_NAMES, PRESETS, type Preset } from './presets.js';
import { resolveProtectedPaths } from './protected-paths.js';
import { readVersionSource, type VersionSource } from './version-source.js';

/** How the guard merges a released pull request (GitHub's `merge_method`). */
export type MergeMethod = 'merge' | 'squash' | 'rebase';

/** An artifact the release publishes: a container image or a Helm chart, an npm package, a release asset. */
export interface ArtifactConfig {
  /** Unique name, referenced by other artifacts' `after`. */
  name: string;
  /**
   * Where it lives, as a template: an OCI reference (`ghcr.io/weaveworks/wego-app:{version}`), an npm
   * package version (`npm:@acme/cli@{version}`) or a GitHub release asset
   * (`gh-release:weaveworks/weave-gitops@v{version}/gitops-linux-x86_64.tar.gz`); see `parseArtifactRef`.
   * `{version}` is the pull request's `version`; any other `{key}` comes from its `versions` map.
   */
  ref: string;
  /** Names of artifacts that must exist before this one may be published (checked by the release job's gate). */
  after?: string[];
  /**
   * Published by the merge itself (the seed's Helm chart), so it cannot be verified before the merge:
   * it is only ordered, through `after`. Artifacts without `onMerge` must be verified before unlock.
   */
  onMerge?: boolean;
}

/** Configuration of `createGuard`. Every field is optional. */
export interface GuardConfig {
  /**
   * Release pull requests as a tool makes them: `releaseBranch` and `versionSource` (see `PRESETS`).
   * An explicit `releaseBranch` or `versionSource` wins over the preset's. Default `'releases'`.
   */
  preset?: Preset;
  /**
   * Glob (`*` does not cross `/`, `**` does; see `globToRegExp`) or RegExp on the head branch. Default
   * the preset's, `'releases/*'`.
   */
  releaseBranch?: string | RegExp;
  /**
   * Where a release pull request's version is read: `'branch'`, `'title'`, a file (`{ file, key? }`),
   * or the same as a string, `'file:<path>'` or `'file:<path>#<key>'` (see `parseVersionSource`).
   * Default the preset's, `'branch'`.
   */
  versionSource?: VersionSource | `file:${string}`;
  /**
   * Globs of release-managed paths (`*` within a segment, `**` across zero or more): a pull request that
   * is not a release and changes one of them fails its status. Default `[]`.
   */
  protectedPaths?: string[];
  /** The commit status (or check run) context that branch protection requires. Default `'release'`. */
  statusContext?: string;
  /** Artifacts of a release. Default `[]`. */
  artifacts?: ArtifactConfig[];
  /** Default `'merge'`. */
  mergeMethod?: MergeMethod;
}

/** The configuration with defaults applied and checked; what the machine is given. */
export interface GuardSettings {
  releaseBranch: RegExp;
  versionSource: VersionSource;
  /** The `protectedPaths` globs, each as the RegExp that matches it (`globToRegExp`). */
  protectedPaths: readonly RegExp[];
  statusContext: string;
  artifacts: readonly Required<ArtifactConfig>[];
  mergeMethod: MergeMethod;
}

/** At most this many artifacts per release, which keeps the snapshot bounded. */
export const MAX_ARTIFACTS = 20;

export const MERGE_METHODS: readonly MergeMethod[] = ['merge', 'squash', 'rebase'];
const CONFIG_KEYS = [
  'preset',
  'releaseBranch',
  'versionSource',
  'protectedPaths',
  'statusContext',
  'artifacts',
  'mergeMethod',
];
const ARTIFACT_KEYS = ['name', 'ref', 'after', 'onMerge'];
const TEMPLATE_KEY = /\{([^{}]*)\}/g;
const VALID_KEY = /^[A-Za-z0-9_.-]+$/;

/** Applies defaults and checks a configuration; throws `GuardConfigError` listing every problem. */
export function resolveConfig(config: GuardConfig = {}): GuardSettings {
  const check = new Checker();
  const raw: unknown = config;
  if (!check.record(raw, '')) throw new GuardConfigError(check.issues);
  check.onlyKeys(raw, '', CONFIG_KEYS);

  const preset =
    config.preset === undefined || check.oneOf(config.preset, 'preset', PRESET_NAMES) ? config.preset : undefined;
  const defaults = PRESETS[preset ?? 'releases'];

  let releaseBranch = globToRegExp(defaults.releaseBranch);
  if (config.releaseBranch instanceof RegExp) releaseBranch = config.releaseBranch;
  else if (typeof config.releaseBranch === 'string') {
    if (check.string(config.releaseBranch, 'releaseBranch', { max: 255 }) && checkGlob(config.releaseBranch, check))
      releaseBranch = globToRegExp(config.releaseBranch);
  } else if (config.releaseBranch !== undefined) check.fail('releaseBranch', 'expected a glob string or a RegExp');

  const versionSource =
    config.versionSource === undefined
      ? defaults.versionSource
      : readVersionSource(config.versionSource, 'versionSource', check);
  const protectedPaths = resolveProtectedPaths(config.protectedPaths, check);

  const statusContext = config.statusContext ?? 'release';
  check.string(statusContext, 'statusContext', { max: 255 });

  const mergeMethod = config.mergeMethod ?? 'merge';
  check.oneOf(mergeMethod, 'mergeMethod', MERGE_METHODS);

  const artifacts = resolveArtifacts(config.artifacts ?? [], check);
  if (!check.ok || versionSource === undefined) throw new GuardConfigError(check.issues);
  return { releaseBranch, versionSource, protectedPaths, statusContext, artifacts, mergeMethod };
}

/** Characters no git branch name can contain (besides the wildcards `*` and `?`). */
const NOT_IN_BRANCH = /[\s~^:[\\\p{Cc}]/u;

/**
 * A glob with a character that no branch name can contain, or in another tool's glob syntax (`{a,b}`,
 * `[abc]`, a leading `!`), would silently match no pull request, so every release pull request would
 * pass as "release not required". The message names the character, not the glob, so that a secret
 * pasted by mistake is not echoed.
 */
function checkGlob(glob: string, check: Checker): boolean {
  const foreign = foreignGlobSyntax(glob);
  const invalid = NOT_IN_BRANCH.exec(glob);
  const problem = foreign
    ? { ...foreign, why: `is ${foreign.syntax}, which release branch globs do not support` }
    : invalid && { text: invalid[0], index: invalid.index, why: 'cannot appear in a branch name' };
  if (!problem) return true;
  check.fail(
    'releaseBranch',
    `${JSON.stringify(problem.text)} (at position ${problem.index + 1}) ${problem.why}, so the glob would match no pull request: write globs with * and ?, or pass a RegExp`,
  );
  return false;
}

/** An artifact as configured, with its position in the configuration for error paths. */
type IndexedArtifact = Required<ArtifactConfig> & { index: number };

function resolveArtifacts(value: unknown, check: Checker): Required<ArtifactConfig>[] {
  if (!check.array(value, 'artifacts', MAX_ARTIFACTS)) return [];
  const artifacts: IndexedArtifact[] = [];
  const names = value.flatMap((entry) =>
    typeof entry === 'object' && entry !== null && typeof (entry as ArtifactConfig).name === 'string'
      ? [(entry as ArtifactConfig).name]
      : [],
  );
  value.forEach((entry, i) => {
    const path = join('artifacts', i);
    if (!check.record(entry, path)) return;
    check.onlyKeys(entry, path, ARTIFACT_KEYS);
    const nameOk = check.string(entry.name, join(path, 'name'), { max: 100 });
    const refOk = check.string(entry.ref, join(path, 'ref'), { max: 500 });
    if (refOk) checkTemplate(entry.ref as string, join(path, 'ref'), check);
    const after: string[] = [];
    if (entry.after !== undefined && check.array(entry.after, join(path, 'after'), MAX_ARTIFACTS)) {
      entry.after.forEach((name, j) => {
        if (check.string(name, join(join(path, 'after'), j), { max: 100 })) after.push(name);
      });
    }
    if (entry.onMerge !== undefined) check.boolean(entry.onMerge, join(path, 'onMerge'));
    if (nameOk && artifacts.some((a) => a.name === entry.name)) {
      check.fail(join(path, 'name'), `duplicate artifact name '${entry.name as string}'`);
    }
    if (nameOk && refOk) {
      artifacts.push({
        name: entry.name as string,
        ref: entry.ref as string,
        after,
        onMerge: entry.onMerge === true,
        index: i,
      });
    }
  });
  checkOrder(artifacts, names, check);
  return artifacts.map(({ index: _index, ...artifact }) => artifact);
}

function checkTemplate(ref: string, path: string, check: Checker): void {
  for (const match of ref.matchAll(TEMPLATE_KEY)) {
    if (!VALID_KEY.test(match[1] as string)) {
      check.fail(
        path,
        `invalid placeholder '${match[0]}': use {version} or {key} with letters, digits, '.', '_' or '-'`,
      );
    }
  }
  if (/[{}]/.test(ref.replace(TEMPLATE_KEY, ''))) {
    check.fail(path, `unbalanced '{' or '}' in '${ref}': placeholders are written {version} or {key}`);
    return;
  }
  const form = parseArtifactRef(ref);
  if ('problem' in form) check.fail(path, `${form.problem} (in '${ref}')`);
}

/** Every `after` name must exist, and `after` must not form a cycle. */
function checkOrder(artifacts: readonly IndexedArtifact[], names: readonly string[], check: Checker): void {
  const byName = new Map(artifacts.map((a) => [a.name, a]));
  for (const artifact of artifacts) {
    artifact.after.forEach((name, j) => {
      if (!names.includes(name)) {
        check.fail(`artifacts.${artifact.index}.after.${j}`, `unknown artifact '${name}' (known: ${names.join(', ')})`);
      }
    });
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name].join(' -> ');
      check.fail(`artifacts.${byName.get(name)?.index}.after`, `artifacts are ordered in a cycle: ${cycle}`);
      return;
    }
    state.set(name, 'visiting');
    for (const next of byName.get(name)?.after ?? []) if (byName.has(next)) visit(next, [...trail, name]);
    state.set(name, 'done');
  };
  for (const artifact of artifacts) visit(artifact.name, []);
}

/**
 * Fills an artifact's `ref` template from the pull request's `version` and `versions`. Returns the
 * keys it could not fill instead of throwing, so callers decide how to report them.
 */
export function fillRef(
  ref: string,
  values: { version?: string; versions?: Readonly<Record<string, string>> },
): { ref: string; missing: string[] } {
  const missing: string[] = [];
  const filled = ref.replace(TEMPLATE_KEY, (whole, key: string) => {
    // Own keys only: `{constructor}` or `{__proto__}` must not be filled from Object.prototype.
    const value =
      key === 'version'
        ? values.version
        : values.versions !== undefined && Object.hasOwn(values.versions, key)
          ? values.versions[key]
          : undefined;
    if (value === undefined) {
      missing.push(key);
      return whole;
    }
    return value;
  });
  return { ref: filled, missing };
}
