import { createHash } from 'node:crypto';
import type { Octokit } from '@octokit/rest';
import { type AuthContext, authorizationFor, rejected } from './auth.js';
import { LookupFailure } from './failure.js';
import { type ImageReference, manifestReference } from './reference.js';
import { describeAnswer, type RegistryAnswer, registryErrors, send, type Transport } from './transport.js';
import type { ArtifactVerifierOptions } from './types.js';

/**
 * Every manifest media type, most capable first. Distribution serves an OCI manifest or index only to clients
 * that accept it (others get 404 MANIFEST_UNKNOWN), and a Docker manifest list only to clients that accept lists.
 */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const DEFAULT_TIMEOUT_MS = 10_000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A manifest the registry has: its digest, media type, and its bytes when fetched with GET. */
export interface FoundManifest {
  digest: string;
  mediaType: string;
  body?: Uint8Array;
}

/**
 * Looks manifests up in OCI registries, authenticating as each registry asks (and hands npm and release lookups
 * its transport and options). Authorizations (basic headers,
 * bearer tokens) are kept per host and scope for the client's life, which is one verification.
 */
export class RegistryClient {
  readonly transport: Transport;
  private readonly authorizations = new Map<string, Promise<string>>();

  constructor(private readonly options: ArtifactVerifierOptions = {}) {
    this.transport = { fetch: options.fetch ?? fetch, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  }

  /**
   * `HEAD` (or `GET`, to have the body) of the manifest `ref` names. A HEAD without `Docker-Content-Digest` is
   * followed by a GET whose body is hashed; a HEAD answered 404 (which has no body) by a GET for the error code.
   * Throws a {@link LookupFailure} when there is no manifest or it could not be checked.
   */
  async manifest(ref: ImageReference, method: 'HEAD' | 'GET'): Promise<FoundManifest> {
    const url = new URL(`${this.baseUrl(ref.host)}/v2/${ref.repository}/manifests/${manifestReference(ref)}`);
    const answer = await this.authorized(ref, url, method);
    if (method === 'HEAD' && (answer.status === 404 || (answer.status === 200 && !contentDigest(answer)))) {
      return this.manifest(ref, 'GET');
    }
    if (answer.status !== 200) throw notFound(ref, answer);
    const digest = contentDigest(answer) ?? `sha256:${createHash('sha256').update(answer.body).digest('hex')}`;
    if (ref.digest !== undefined && digest !== ref.digest) {
      throw new LookupFailure(`${ref.host} answered the manifest ${digest} for ${ref.digest}`);
    }
    const mediaType = answer.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
    return method === 'GET' ? { digest, mediaType, body: answer.body } : { digest, mediaType };
  }

  /** Sends the request with the authorization cached for its host and scope; on 401 authorizes and retries once. */
  private async authorized(ref: ImageReference, url: URL, method: 'HEAD' | 'GET'): Promise<RegistryAnswer> {
    const scope = `repository:${ref.repository}:pull`;
    const key = `${ref.host} ${scope}`;
    const cached = this.authorizations.get(key);
    const first = await this.request(ref.host, url, method, cached && (await cached));
    if (first.status !== 401) return first;

    const context = this.authContext(ref);
    // Another lookup on this repository, answered 401 at the same time, may already be authorizing.
    const pending = this.authorizations.get(key);
    const authorization = pending && pending !== cached ? pending : authorizationFor(context, first, scope);
    this.authorizations.set(key, authorization);
    const second = await this.request(ref.host, url, method, await authorization);
    if (second.status === 401) throw rejected(context, second);
    return second;
  }

  private request(host: string, url: URL, method: 'HEAD' | 'GET', authorization: string | undefined) {
    return send(this.transport, host, url, {
      method,
      headers: { accept: MANIFEST_ACCEPT, ...(authorization ? { authorization } : {}) },
    });
  }

  /** Reads the releases of `gh-release:` refs, when the options give a client. */
  get octokit(): Octokit | undefined {
    return this.options.octokit;
  }

  /** How `npm:` refs are looked up: the registries, and whether a token may go over plain HTTP. */
  npmOptions(full: boolean) {
    return {
      ...(this.options.npm ? { npm: this.options.npm } : {}),
      plainHttp: (url: URL) => this.plainHttp(url.host),
      full,
    };
  }

  private authContext(ref: ImageReference): AuthContext {
    return {
      transport: this.transport,
      host: ref.host,
      credentials: this.options.credentials?.[ref.registry] ?? this.options.credentials?.[ref.host],
      plainHttpAllowed: (url) => this.plainHttp(url.host),
    };
  }

  private baseUrl(host: string): string {
    return `${this.plainHttp(host) ? 'http' : 'https'}://${host}`;
  }

  /** Whether `host` (`name` or `name:port`) is reached over plain HTTP. */
  private plainHttp(host: string): boolean {
    const { hostname } = new URL(`http://${host}`);
    const allowed = this.options.plainHttp;
    return allowed ? allowed.includes(host) || allowed.includes(hostname) : LOOPBACK.has(hostname);
  }
}

function contentDigest(answer: RegistryAnswer): string | undefined {
  return answer.headers.get('docker-content-digest')?.trim() || undefined;
}

/** 404s are the registry saying the artifact does not exist; anything else means it could not be checked. */
function notFound(ref: ImageReference, answer: RegistryAnswer): LookupFailure {
  if (answer.status !== 404) return new LookupFailure(`${ref.host} answered ${describeAnswer(answer)}`);
  const codes = registryErrors(answer.body).map((error) => error.code);
  const what = codes.includes('NAME_UNKNOWN')
    ? 'repository unknown'
    : codes.includes('MANIFEST_UNKNOWN')
      ? 'manifest unknown'
      : 'not found';
  return new LookupFailure(`${what}: ${ref.text} does not exist (${describeAnswer(answer)})`, true);
}
