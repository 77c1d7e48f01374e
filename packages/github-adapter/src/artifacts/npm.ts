import { LookupFailure } from './failure.js';
import { type RegistryAnswer, send, type Transport, truncate } from './transport.js';
import type { NpmRegistries } from './types.js';

/** The registry of packages without one configured: npm's public registry. */
export const NPM_REGISTRY = 'https://registry.npmjs.org';
/** The abbreviated packument ("corgi"): versions with their `dist` and `deprecated`, without readmes or `gitHead`. */
export const NPM_ABBREVIATED = 'application/vnd.npm.install-v1+json';

/** An `npm:` ref, read (see `parseArtifactRef`). */
export interface NpmPackageRef {
  /** The ref as written, for reasons. */
  text: string;
  name: string;
  scope?: string;
  version: string;
}

/** A version of a package the registry has, and its `gitHead` when the packument was read in full. */
export interface FoundPackage {
  /** `dist.integrity` (`sha512-…`), or `sha1:<dist.shasum>` for a version published without one. */
  digest: string;
  gitHead?: string;
}

interface Packument {
  'dist-tags'?: Record<string, unknown>;
  versions?: Record<string, PackageVersion | undefined>;
  time?: { unpublished?: unknown };
}

interface PackageVersion {
  deprecated?: unknown;
  gitHead?: unknown;
  dist?: { integrity?: unknown; shasum?: unknown };
}

/**
 * Looks `ref`'s version up in its registry (the scope's, else `registry`, else npm's): `GET /<name>` (the
 * abbreviated packument, or the full one when `full`, which has `gitHead`), with the token configured for
 * the registry as a bearer token. Throws a {@link LookupFailure}: `absent` when the registry says the
 * package or version does not exist or the version is deprecated; otherwise it could not be checked.
 */
export async function npmPackage(
  transport: Transport,
  ref: NpmPackageRef,
  options: { npm?: NpmRegistries; plainHttp(url: URL): boolean; full: boolean },
): Promise<FoundPackage> {
  const registry = registryOf(ref, options.npm);
  const where = registry.host + registry.pathname.replace(/\/$/, '');
  const token = tokenFor(registry, options.npm?.tokens);
  if (token && registry.protocol === 'http:' && !options.plainHttp(registry)) {
    throw new LookupFailure(`refusing to send the token for "${where}" over plain http`);
  }
  // A scoped name keeps its @ and has its / escaped: /@acme%2fcli.
  const url = new URL(`${registry.href.replace(/\/$/, '')}/${ref.name.replace('/', '%2f')}`);
  const answer = await send(transport, registry.host, url, {
    method: 'GET',
    headers: {
      accept: options.full ? 'application/json' : `${NPM_ABBREVIATED}; q=1.0, application/json; q=0.8`,
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
  });
  if (answer.status === 401 || answer.status === 403) {
    throw new LookupFailure(
      token
        ? `${where} rejected the token configured for "${where}" (${describeNpm(answer)})`
        : `${where} requires authentication (${describeNpm(answer)}): configure a token for "${where}"`,
    );
  }
  if (answer.status === 404) {
    // npmjs answers 404, not 401, for a private package the caller may not read.
    const hint = token ? '' : `; a private package answers 404 without a token: configure one for "${where}"`;
    throw new LookupFailure(
      `package unknown: ${ref.name} is not in ${where} (${describeNpm(answer)})${hint}, so ${ref.text} does not exist`,
      true,
    );
  }
  if (answer.status !== 200) throw new LookupFailure(`${where} answered ${describeNpm(answer)}`);
  return foundVersion(ref, where, parse(answer, where));
}

function foundVersion(ref: NpmPackageRef, where: string, packument: Packument): FoundPackage {
  const found = packument.versions?.[ref.version];
  if (!found || typeof found !== 'object') {
    const latest = packument['dist-tags']?.latest;
    const known = typeof latest === 'string' ? `; its latest is ${latest}` : '';
    const unpublished = packument.time?.unpublished ? ' (the package was unpublished)' : '';
    throw new LookupFailure(
      `version unknown: ${ref.name} has no version ${ref.version} in ${where}${unpublished}${known}, so ${ref.text} does not exist`,
      true,
    );
  }
  if (typeof found.deprecated === 'string' && found.deprecated !== '') {
    throw new LookupFailure(
      `deprecated: ${ref.text} is in ${where} but deprecated ("${truncate(found.deprecated, 200)}"): lift the deprecation (npm deprecate ${ref.name}@${ref.version} "") if it stands`,
      true,
    );
  }
  const integrity = typeof found.dist?.integrity === 'string' ? strongest(found.dist.integrity) : undefined;
  const shasum = typeof found.dist?.shasum === 'string' && found.dist.shasum ? `sha1:${found.dist.shasum}` : undefined;
  const digest = integrity ?? shasum;
  if (!digest) throw new LookupFailure(`${where} answered ${ref.text} without dist.integrity or dist.shasum`);
  return typeof found.gitHead === 'string' ? { digest, gitHead: found.gitHead } : { digest };
}

/** The registry of `ref`: its scope's, else the default one, else npm's. */
function registryOf(ref: NpmPackageRef, npm: NpmRegistries | undefined): URL {
  const configured = (ref.scope !== undefined ? npm?.scopes?.[ref.scope] : undefined) ?? npm?.registry ?? NPM_REGISTRY;
  const url = new URL(configured);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return url;
}

/**
 * The token of the registry at `url`: the one whose key (`host` or `host/path`, as `.npmrc`'s
 * `//host/path/:_authToken` without the slashes) is the longest prefix of the registry's host and path.
 */
export function tokenFor(url: URL, tokens: Record<string, string> | undefined): string | undefined {
  const target = `${url.host}${url.pathname}`.replace(/\/+$/, '');
  let best: { key: string; token: string } | undefined;
  for (const [raw, token] of Object.entries(tokens ?? {})) {
    const key = raw.replace(/^\/\//, '').replace(/\/+$/, '');
    const matches = target === key || target.startsWith(`${key}/`);
    if (matches && token && (!best || key.length > best.key.length)) best = { key, token };
  }
  return best?.token;
}

function parse(answer: RegistryAnswer, where: string): Packument {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(answer.body));
    if (parsed && typeof parsed === 'object') return parsed as Packument;
  } catch {
    // Reported below.
  }
  throw new LookupFailure(`${where} answered a packument that is not a JSON object`);
}

/** The strongest hash of an integrity string (`sha512-…`; several may be listed, separated by spaces). */
function strongest(integrity: string): string | undefined {
  const hashes = integrity.trim().split(/\s+/).filter(Boolean);
  return hashes.find((hash) => hash.startsWith('sha512-')) ?? hashes[0];
}

/** `404 no such package available`: the status and npm's `{ error }` (or the status text). */
function describeNpm(answer: RegistryAnswer): string {
  let detail = answer.statusText;
  try {
    const parsed = JSON.parse(new TextDecoder().decode(answer.body)) as { error?: unknown; message?: unknown } | null;
    const message = parsed?.error ?? parsed?.message;
    if (typeof message === 'string' && message) detail = message;
  } catch {
    // Not JSON: the status text says enough.
  }
  return `${answer.status}${detail ? ` ${truncate(detail, 300)}` : ''}`;
}
