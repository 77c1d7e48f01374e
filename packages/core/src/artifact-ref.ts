/**
 * The forms of an artifact `ref`: an npm package version, a GitHub release asset, or (anything else) an OCI
 * reference (an image or a chart). The core only reads their syntax; the adapter looks them up.
 */

/** What an artifact ref names. */
export type ParsedArtifactRef =
  | {
      kind: 'npm';
      /** The package name, with its scope when it has one: `@acme/cli` or `left-pad`. */
      name: string;
      /** `@acme` for a scoped package. */
      scope?: string;
      /** The exact version, as the registry keys it: without a leading `v` or `=`, without build metadata. */
      version: string;
    }
  | {
      kind: 'gh-release';
      owner: string;
      repo: string;
      /** The release's tag, e.g. `v0.29.0` (it may contain `/`). */
      tag: string;
      /** The asset's file name. */
      asset: string;
    }
  /** An OCI reference, e.g. `ghcr.io/acme/app:v1.2.0`: its syntax is the adapter's to check. */
  | { kind: 'oci'; ref: string };

/** The prefix of an npm package ref: `npm:<name>@<version>`. */
export const NPM_REF_PREFIX = 'npm:';
/** The prefix of a GitHub release asset ref: `gh-release:<owner>/<repo>@<tag>/<asset>`. */
export const GH_RELEASE_REF_PREFIX = 'gh-release:';

const FORMS =
  "write npm:<name>@<version>, gh-release:<owner>/<repo>@<tag>/<asset name>, or an OCI reference such as ghcr.io/<owner>/<name>:<tag> (an image named 'npm' on Docker Hub is docker.io/library/npm:<tag>)";

/** Stands for a `{key}` placeholder while a template's syntax is checked: it fits anywhere a placeholder may. */
const HOLE = '\u{E000}';
const PLACEHOLDER = /\{[^{}]*\}/g;

/** A scheme some other tool might use (`oci:`, `gh:`, `npmjs:`), followed by a path: no OCI reference looks so. */
const OTHER_SCHEME = /^([a-z][a-z0-9+.-]*):(?![0-9\u{E000}])[^/]*\//iu;
/** npm's rules for new package names, without the list of core modules: URL-safe, no leading `.` or `_`. */
const NPM_NAME_PART = /^(?![._])[a-z0-9._~-]+$/i;
const MAX_NPM_NAME = 214;
/** SemVer 2.0.0, with the leading `v` or `=` npm accepts (semver.clean's). */
const SEMVER =
  /^[v=]?((?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:-(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*)?)(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;
const VERSION_CHARS = /^[0-9A-Za-z.+=-]*$/;
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_REPO = /^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;
/** What no git tag contains (git check-ref-format): whitespace, controls, `~^:?*[\`, `..`, `@{`. */
const NOT_IN_TAG = /[\s\p{Cc}~^:?*[\\]|\.\.|@\{|^\/|\/$|\/\/|\.lock$|^\.|\/\./u;
const MAX_ASSET_NAME = 255;

/**
 * Reads an artifact ref, filled (`npm:@acme/cli@1.4.0`) or a template (`npm:@acme/cli@{version}`, whose
 * placeholders are taken to fit; `fillRef` fills them). `npm:` and `gh-release:` refs are checked in full;
 * any other ref is an OCI reference, except one that starts with another scheme followed by a path
 * (`gh-releases:acme/app@v1/app.tar.gz`), which is refused as a likely typo. A problem says what to write.
 *
 * @example
 * parseArtifactRef('npm:@acme/cli@v1.4.0'); // { ref: { kind: 'npm', name: '@acme/cli', scope: '@acme', version: '1.4.0' } }
 * parseArtifactRef('gh-release:weaveworks/weave-gitops@v0.29.0/gitops-linux-x86_64.tar.gz');
 * // { ref: { kind: 'gh-release', owner: 'weaveworks', repo: 'weave-gitops', tag: 'v0.29.0', asset: 'gitops-linux-x86_64.tar.gz' } }
 */
export function parseArtifactRef(ref: string): { ref: ParsedArtifactRef } | { problem: string } {
  const text = ref.replace(PLACEHOLDER, HOLE);
  const placeholders = ref.match(PLACEHOLDER) ?? [];
  // The fields are read with one HOLE per placeholder; they are given back with the placeholders as written.
  const restore = (fields: Record<string, string | undefined>) => {
    let next = 0;
    const filled = (value: string) => value.replaceAll(HOLE, () => placeholders[next++] ?? '');
    return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value && filled(value)]));
  };
  const parsed = text.startsWith(NPM_REF_PREFIX)
    ? npmRef(text.slice(NPM_REF_PREFIX.length))
    : text.startsWith(GH_RELEASE_REF_PREFIX)
      ? releaseRef(text.slice(GH_RELEASE_REF_PREFIX.length))
      : undefined;
  if (parsed && 'problem' in parsed) return parsed;
  if (parsed) {
    const { kind, ...fields } = parsed.ref as Exclude<ParsedArtifactRef, { kind: 'oci' }>;
    const restored = { kind, ...restore(fields) } as ParsedArtifactRef;
    if (restored.kind === 'npm' && restored.name.startsWith('@')) {
      restored.scope = restored.name.slice(0, restored.name.indexOf('/'));
    }
    return { ref: restored };
  }
  const scheme = OTHER_SCHEME.exec(text)?.[1];
  if (scheme !== undefined) return { problem: `unknown kind of artifact '${scheme}:': ${FORMS}` };
  return { ref: { kind: 'oci', ref } };
}

function npmRef(rest: string): { ref: ParsedArtifactRef } | { problem: string } {
  const form = 'npm:<name>@<version> or npm:@<scope>/<name>@<version>';
  const at = rest.indexOf('@', 1);
  if (at === -1) return { problem: `an npm ref names an exact version: write ${form}` };
  const name = rest.slice(0, at);
  const version = rest.slice(at + 1);
  const parts = name.startsWith('@') ? name.slice(1).split('/') : [name];
  if (parts.length > (name.startsWith('@') ? 2 : 1) || (name.startsWith('@') && parts.length !== 2)) {
    return { problem: `'${shown(name)}' is not an npm package name: write ${form}` };
  }
  const badPart = parts.find((part) => !NPM_NAME_PART.test(withoutHoles(part)) && !isHoleOnly(part));
  if (badPart !== undefined || name.length > MAX_NPM_NAME) {
    return {
      problem: `'${shown(name)}' is not an npm package name (at most ${MAX_NPM_NAME} of letters, digits and - . _ ~, not starting with . or _): write ${form}`,
    };
  }
  const exact = version.includes(HOLE) ? undefined : SEMVER.exec(version)?.[1];
  if (version === '' || (version.includes(HOLE) ? !VERSION_CHARS.test(withoutHoles(version)) : !exact)) {
    return {
      problem: `'${shown(version)}' is not an exact version (SemVer such as 1.4.0, or {version}): npm refs name one version, not a range or a dist-tag`,
    };
  }
  return { ref: { kind: 'npm', name, version: exact ?? version } };
}

function releaseRef(rest: string): { ref: ParsedArtifactRef } | { problem: string } {
  const form = 'gh-release:<owner>/<repo>@<tag>/<asset name>';
  const slash = rest.indexOf('/');
  const at = rest.indexOf('@', slash);
  const last = rest.lastIndexOf('/');
  if (slash === -1 || at === -1 || last < at) return { problem: `a release asset ref is written ${form}` };
  const owner = rest.slice(0, slash);
  const repo = rest.slice(slash + 1, at);
  const tag = rest.slice(at + 1, last);
  const asset = rest.slice(last + 1);
  if (!GITHUB_OWNER.test(withoutHoles(owner)) && !isHoleOnly(owner)) {
    return { problem: `'${shown(owner)}' is not a GitHub owner (letters, digits and -): write ${form}` };
  }
  if (!GITHUB_REPO.test(withoutHoles(repo)) && !isHoleOnly(repo)) {
    return { problem: `'${shown(repo)}' is not a repository name (letters, digits and - . _): write ${form}` };
  }
  if (tag === '' || NOT_IN_TAG.test(withoutHoles(tag))) {
    return { problem: `'${shown(tag)}' is not a git tag name: write ${form}` };
  }
  if (asset === '' || asset.length > MAX_ASSET_NAME || /[\p{Cc}]/u.test(asset)) {
    return { problem: `a release asset ref ends with the asset's file name: write ${form}` };
  }
  return { ref: { kind: 'gh-release', owner, repo, tag, asset } };
}

function withoutHoles(text: string): string {
  return text.replaceAll(HOLE, 'x');
}

function isHoleOnly(text: string): boolean {
  return text === HOLE;
}

/** The text as written, with `{…}` where a placeholder was. */
function shown(text: string): string {
  return text.replaceAll(HOLE, '{…}');
}
