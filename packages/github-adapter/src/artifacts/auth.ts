import { type Challenge, parseChallenges } from './challenge.js';
import { LookupFailure } from './failure.js';
import { describeAnswer, type RegistryAnswer, send, type Transport } from './transport.js';
import type { RegistryCredentials } from './types.js';

/** Who is asking, and how to reach a registry's token endpoint. */
export interface AuthContext {
  transport: Transport;
  /** The registry host requests go to, e.g. `ghcr.io`. */
  host: string;
  /** The credentials configured for that host, if any. */
  credentials: RegistryCredentials | undefined;
  /** Whether `http://` may carry credentials to `url`'s host (only hosts reached over plain HTTP anyway). */
  plainHttpAllowed(url: URL): boolean;
}

/**
 * The `Authorization` header answering the 401 `answer` for `scope` (`repository:<name>:pull`):
 * - `Basic`: the configured credentials;
 * - `Bearer`: a token from the challenge's realm, asked with the configured credentials as basic auth, or
 *   anonymously without them.
 * Throws a {@link LookupFailure} saying which credentials to configure, or why the token could not be had.
 */
export async function authorizationFor(context: AuthContext, answer: RegistryAnswer, scope: string): Promise<string> {
  const challenges = parseChallenges(answer.headers.get('www-authenticate') ?? '');
  const bearer = challenges.find((challenge) => challenge.scheme === 'bearer');
  if (bearer) return `Bearer ${await fetchToken(context, bearer, scope)}`;
  if (challenges.some((challenge) => challenge.scheme === 'basic')) {
    if (!context.credentials) {
      throw new LookupFailure(
        `${context.host} requires basic authentication: configure credentials for "${context.host}"`,
      );
    }
    return basicAuthorization(context.credentials);
  }
  throw new LookupFailure(`${context.host} answered ${describeAnswer(answer)} without a Basic or Bearer challenge`);
}

/** The failure of a request that was sent with credentials or a token and still answered 401. */
export function rejected(context: AuthContext, answer: RegistryAnswer): LookupFailure {
  return new LookupFailure(
    context.credentials
      ? `${context.host} rejected the credentials configured for "${context.host}" (${describeAnswer(answer)})`
      : `${context.host} refused anonymous access (${describeAnswer(answer)}): configure credentials for "${context.host}"`,
  );
}

async function fetchToken(context: AuthContext, challenge: Challenge, scope: string): Promise<string> {
  const { host, credentials } = context;
  const realm = parseRealm(challenge.params.realm);
  if (!realm) {
    throw new LookupFailure(`${host} asked for a bearer token without a usable http(s) realm in its challenge`);
  }
  const where = `${realm.origin}${realm.pathname}`;
  if (credentials && realm.protocol === 'http:' && !context.plainHttpAllowed(realm)) {
    throw new LookupFailure(`refusing to send the credentials for "${host}" over plain http to ${where}`);
  }
  if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
  realm.searchParams.set('scope', scope);
  const answer = await send(context.transport, realm.host, realm, {
    method: 'GET',
    headers: { accept: 'application/json', ...(credentials ? { authorization: basicAuthorization(credentials) } : {}) },
  });
  if (answer.status === 401 || answer.status === 403) {
    throw new LookupFailure(
      credentials
        ? `the token service ${where} rejected the credentials configured for "${host}" (${describeAnswer(answer)})`
        : `the token service ${where} refused an anonymous token (${describeAnswer(answer)}): configure credentials for "${host}" (for ghcr.io: any username and a token that may read:packages)`,
    );
  }
  if (answer.status !== 200) {
    throw new LookupFailure(`the token service ${where} answered ${describeAnswer(answer)}`);
  }
  const token = tokenOf(answer.body);
  if (!token) throw new LookupFailure(`the token service ${where} answered without a token`);
  return token;
}

function parseRealm(realm: string | undefined): URL | undefined {
  if (!realm || !URL.canParse(realm)) return undefined;
  const url = new URL(realm);
  return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
}

/** `token`, or OAuth2's `access_token` (Docker's token spec allows either). */
function tokenOf(body: Uint8Array): string | undefined {
  try {
    const parsed = JSON.parse(new TextDecoder().decode(body)) as { token?: unknown; access_token?: unknown } | null;
    const token = parsed?.token || parsed?.access_token;
    return typeof token === 'string' ? token : undefined;
  } catch {
    return undefined;
  }
}

function basicAuthorization({ username, password }: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}
