import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real npm registry (Verdaccio) on 127.0.0.1, with a user who may publish. */
export interface LocalNpmRegistry {
  /** `http://127.0.0.1:PORT/`. */
  url: string;
  /** `127.0.0.1:PORT`: the key of its token in `NpmRegistries.tokens`. */
  host: string;
  /** The publisher's token; packages of `@private` may only be read with it. */
  token: string;
  /** Publishes a version, as `npm publish` does (one PUT with the tarball attached); returns its `dist.integrity`. */
  publish(name: string, version: string, fields?: { gitHead?: string; deprecated?: string }): Promise<string>;
  stop(): Promise<void>;
}

/** The scope whose packages anonymous clients may not read. */
export const PRIVATE_SCOPE = '@private';

/**
 * Starts Verdaccio in this process with a fresh storage directory and htpasswd file, no uplinks (it never
 * reaches npmjs), its web UI off, and signs up a publisher. `stop` closes it and removes the directory.
 */
export async function startVerdaccio(): Promise<LocalNpmRegistry> {
  const { runServer } = await import('verdaccio');
  const dir = await mkdtemp(join(tmpdir(), 'release-guard-verdaccio-'));
  const config = {
    self_path: join(dir, 'config.yaml'),
    config_path: join(dir, 'config.yaml'),
    storage: join(dir, 'storage'),
    auth: { htpasswd: { file: join(dir, 'htpasswd'), max_users: 10 } },
    uplinks: {},
    packages: {
      [`${PRIVATE_SCOPE}/*`]: { access: '$authenticated', publish: '$authenticated' },
      '**': { access: '$all', publish: '$authenticated' },
    },
    log: { type: 'stdout', format: 'pretty', level: 'fatal' },
    web: { enable: false },
  };
  const server = (await runServer(config as never)) as Server;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('Verdaccio has no port');
  const host = `127.0.0.1:${address.port}`;
  const url = `http://${host}/`;
  const stop = async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const token = await signUp(url);
    return { url, host, token, publish: (name, version, fields) => publish(url, token, name, version, fields), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function signUp(url: string): Promise<string> {
  const res = await fetch(`${url}-/user/org.couchdb.user:publisher`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'publisher', password: 'publisher-password', type: 'user', roles: [] }),
  });
  const body = (await res.json()) as { token?: string };
  if (res.status !== 201 || !body.token) throw new Error(`Verdaccio refused the sign-up: ${res.status}`);
  return body.token;
}

async function publish(
  url: string,
  token: string,
  name: string,
  version: string,
  fields: { gitHead?: string; deprecated?: string } = {},
): Promise<string> {
  const tarball = Buffer.from(`the package ${name}@${version}`);
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  const shasum = createHash('sha1').update(tarball).digest('hex');
  const file = `${name.split('/').at(-1)}-${version}.tgz`;
  const manifest = { name, version, ...fields, _id: `${name}@${version}` };
  const res = await fetch(`${url}${name.replace('/', '%2f')}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      _id: name,
      name,
      'dist-tags': { latest: version },
      versions: { [version]: { ...manifest, dist: { integrity, shasum, tarball: `${url}${name}/-/${file}` } } },
      _attachments: {
        [file]: { content_type: 'application/octet-stream', data: tarball.toString('base64'), length: tarball.length },
      },
    }),
  });
  if (res.status !== 201) throw new Error(`Verdaccio refused ${name}@${version}: ${res.status} ${await res.text()}`);
  return integrity;
}
