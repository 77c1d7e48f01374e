import { randomBytes } from 'node:crypto';
import { type RegistryError, registryError } from './errors.js';
import type { RegistryAuth } from './types.js';

/** The realm of the basic challenge (`WWW-Authenticate: Basic realm="release-guard"`). */
export const BASIC_REALM = 'release-guard';

export type Action = 'pull' | 'push' | 'delete';

/** What a request needs: actions on a repository. `GET /v2/` needs none, only valid credentials. */
export interface Access {
  name: string;
  actions: Action[];
}

/** Decides who may do what, under one of the {@link RegistryAuth} modes. */
export interface Authenticator {
  /** Throws an `UNAUTHORIZED` error carrying its `WWW-Authenticate` challenge unless the request may proceed. */
  authorize(authorization: string | undefined, access: Access | undefined): void;
  /**
   * Answers `GET /token` (bearer mode only, else undefined): checks the basic credentials and grants the
   * `repository:<name>:<actions>` scopes asked for. Anonymous token requests are refused.
   */
  issueToken?(authorization: string | undefined, scopes: string[]): { token: string; access_token: string };
  /** Invalidates every token handed out. */
  forgetTokens(): void;
}

const ALL_ACTIONS: readonly Action[] = ['pull', 'push', 'delete'];

/** The access a request on repository `name` needs, as distribution derives it from the method. */
export function accessFor(name: string, method: string): Access {
  if (method === 'GET' || method === 'HEAD') return { name, actions: ['pull'] };
  if (method === 'DELETE') return { name, actions: ['delete'] };
  return { name, actions: ['pull', 'push'] };
}

/** The authenticator for `auth`, on the registry at `url` (whose `host` is the default bearer service). */
export function createAuthenticator(auth: RegistryAuth, url: string, host: string): Authenticator {
  switch (auth.kind) {
    case 'anonymous':
      return { authorize() {}, forgetTokens() {} };
    case 'basic':
      return {
        authorize(authorization, access) {
          if (!hasCredentials(authorization, auth)) throw challenge(`Basic realm="${BASIC_REALM}"`, access);
        },
        forgetTokens() {},
      };
    case 'bearer':
      return bearerAuthenticator(auth, `${url}/token`, auth.service ?? host);
  }
}

function bearerAuthenticator(credentials: { username: string; password: string }, realm: string, service: string) {
  const tokens = new Map<string, Map<string, Set<string>>>();
  return {
    authorize(authorization, access) {
      let params = `realm="${realm}",service="${service}"`;
      if (access) params += `,scope="repository:${access.name}:${access.actions.join(',')}"`;
      if (!authorization?.startsWith('Bearer ')) throw challenge(`Bearer ${params}`, access);
      const grants = tokens.get(authorization.slice('Bearer '.length).trim());
      if (!grants) throw challenge(`Bearer ${params},error="invalid_token"`, access);
      const granted = access && grants.get(access.name);
      if (access && !access.actions.every((action) => granted?.has(action))) {
        throw challenge(`Bearer ${params},error="insufficient_scope"`, access);
      }
    },
    issueToken(authorization, scopes) {
      if (!hasCredentials(authorization, credentials)) {
        const error = registryError(
          'UNAUTHORIZED',
          'a token request needs the basic credentials the registry emulator was started with',
        );
        error.headers['WWW-Authenticate'] = `Basic realm="${realm}"`;
        throw error;
      }
      const grants = new Map<string, Set<string>>();
      for (const scope of scopes.flatMap((value) => value.split(' '))) {
        const match = /^repository:([^:]+):(.+)$/.exec(scope);
        if (!match) continue;
        const asked = match[2]!.split(',');
        const granted = grants.get(match[1]!) ?? new Set();
        for (const action of ALL_ACTIONS) if (asked.includes(action) || asked.includes('*')) granted.add(action);
        grants.set(match[1]!, granted);
      }
      const token = randomBytes(24).toString('base64url');
      tokens.set(token, grants);
      return { token, access_token: token };
    },
    forgetTokens: () => tokens.clear(),
  } satisfies Authenticator;
}

function hasCredentials(authorization: string | undefined, expected: { username: string; password: string }): boolean {
  if (!authorization?.startsWith('Basic ')) return false;
  const decoded = Buffer.from(authorization.slice('Basic '.length).trim(), 'base64').toString('utf8');
  return decoded === `${expected.username}:${expected.password}`;
}

/** A 401 as distribution answers it: the challenge header, and the access asked for as the error's detail. */
function challenge(header: string, access: Access | undefined): RegistryError {
  const detail = access
    ? access.actions.map((action) => ({ Type: 'repository', Class: '', Name: access.name, Action: action }))
    : null;
  const error = registryError('UNAUTHORIZED', detail);
  error.headers['WWW-Authenticate'] = header;
  return error;
}
