/** An image or chart reference, split the way docker and distribution split it. */
export type ImageReference = ReferenceBase &
  (
    | { tag: string; digest?: undefined }
    | {
        tag?: string;
        /** `algorithm:hex` when the reference pins a digest; looked up instead of the tag. */
        digest: string;
      }
  );

interface ReferenceBase {
  /** The reference as written, trimmed: what reason texts show. */
  text: string;
  /** The registry part with docker.io's aliases normalized, e.g. `ghcr.io`, `127.0.0.1:5000`, `docker.io`. */
  registry: string;
  /** Where requests go: `registry`, except `registry-1.docker.io` for Docker Hub. */
  host: string;
  /** The repository path, e.g. `weaveworks/wego-app`; Docker Hub's single names get `library/`. */
  repository: string;
  /** The tag; `latest` when neither a tag nor a digest is written. */
  tag?: string;
}

/** Thrown by {@link parseReference} for a reference docker would refuse too. */
export class InvalidReferenceError extends Error {
  override readonly name = 'InvalidReferenceError';
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const DOCKER_HUB_HOST = 'registry-1.docker.io';

const DOMAIN_LABEL = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^(?:${DOMAIN_LABEL}(?:\\.${DOMAIN_LABEL})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_NAME_LENGTH = 255;

/**
 * Parses `ghcr.io/weaveworks/wego-app:v0.29.0`, `127.0.0.1:5000/name:tag`, `nginx`, `name@sha256:…` or
 * `name:tag@sha256:…` with docker's rules: the first component is a registry only when it has a `.`, a `:` or an
 * uppercase letter, or is `localhost` (otherwise the registry is Docker Hub, reached at `registry-1.docker.io`, and a single
 * name is put under `library/`); without a tag or digest the tag is `latest`.
 * Throws {@link InvalidReferenceError} saying what is wrong.
 *
 * @example
 * parseReference('nginx:1.27');
 * // { text: 'nginx:1.27', registry: 'docker.io', host: 'registry-1.docker.io', repository: 'library/nginx', tag: '1.27' }
 */
export function parseReference(ref: string): ImageReference {
  const text = ref.trim();
  const fail = (problem: string) => new InvalidReferenceError(`invalid reference "${text}": ${problem}`);
  if (text === '') throw fail('it is empty');

  const at = text.indexOf('@');
  const digest = at === -1 ? undefined : text.slice(at + 1);
  const withoutDigest = at === -1 ? text : text.slice(0, at);
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const tag = colon > lastSlash ? withoutDigest.slice(colon + 1) : undefined;
  const name = colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;

  const firstSlash = name.indexOf('/');
  const first = firstSlash === -1 ? '' : name.slice(0, firstSlash);
  const hasRegistry = first !== '' && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  let registry = hasRegistry ? first : DOCKER_HUB;
  let repository = hasRegistry ? name.slice(firstSlash + 1) : name;
  if (!DOMAIN.test(registry)) throw fail(`"${registry}" is not a registry host`);
  if (repository === '') throw fail('it names no repository');
  if (DOCKER_HUB_ALIASES.has(registry)) {
    registry = DOCKER_HUB;
    if (!repository.includes('/')) repository = `library/${repository}`;
  }

  if (repository.length > MAX_NAME_LENGTH)
    throw fail(`the repository name is longer than ${MAX_NAME_LENGTH} characters`);
  const badComponent = repository.split('/').find((component) => !PATH_COMPONENT.test(component));
  if (badComponent !== undefined) {
    throw fail(`"${badComponent}" is not a repository path component (lowercase letters, digits, and . _ - inside)`);
  }
  if (tag !== undefined && !TAG.test(tag)) throw fail(`"${tag}" is not a tag (at most 128 of A-Z a-z 0-9 _ . -)`);
  if (digest !== undefined && !(DIGEST.test(digest) && (!digest.startsWith('sha256:') || SHA256_DIGEST.test(digest)))) {
    throw fail(`"${digest}" is not a digest like sha256:<64 lowercase hex digits>`);
  }

  const host = registry === DOCKER_HUB ? DOCKER_HUB_HOST : registry;
  return digest === undefined
    ? { text, registry, host, repository, tag: tag ?? 'latest' }
    : { text, registry, host, repository, tag, digest };
}

/** What `/v2/<name>/manifests/<reference>` asks for: the digest when one is pinned, else the tag. */
export function manifestReference(reference: ImageReference): string {
  return reference.digest === undefined ? reference.tag : reference.digest;
}
