import { createHash } from 'node:crypto';

/**
 * The reference grammar of distribution/distribution (`reference/regexp.go`), as sources for the route
 * patterns: a repository name is lowercase path components joined by `/`. Its separator `[-]*` is written
 * `-+` here: the same names, without the nested optional repetition that makes a backtracking engine hang.
 */
const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
export const NAME_SOURCE = `${NAME_COMPONENT}(?:/${NAME_COMPONENT})*`;
export const TAG_SOURCE = '[\\w][\\w.-]{0,127}';
/** What a route accepts as a digest; whether it is a usable digest is decided by {@link isDigest}. */
export const DIGEST_SOURCE = '[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+';

const HEX_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

/** Whether `value` is a digest the registry can verify: `sha256:`, `sha384:` or `sha512:` and lowercase hex. */
export function isDigest(value: string): boolean {
  const [algorithm = '', hex = ''] = value.split(':');
  return HEX_LENGTHS[algorithm] === hex.length && /^[a-f0-9]+$/.test(hex);
}

/** The digest of `bytes` (sha256 unless `algorithm` names another) as `algorithm:hex`. */
export function digestOf(bytes: Uint8Array, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Throws unless `name` is a repository name and `tag` a tag a registry would accept. */
export function assertNameAndTag(operation: string, name: string, tag: string): void {
  if (!new RegExp(`^${NAME_SOURCE}$`).test(name)) {
    throw new Error(
      `${operation}: "${name}" is not a repository name (lowercase components such as "weaveworks/wego-app")`,
    );
  }
  if (!new RegExp(`^${TAG_SOURCE}$`).test(tag)) {
    throw new Error(`${operation}: "${tag}" is not a tag (letters, digits, "_", "." and "-", at most 128)`);
  }
}
