import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's `docker-registry` package (distribution 2.8) installs the registry. */
export const REGISTRY_BINARY = '/usr/bin/docker-registry';
export const INSTALL_HINT = 'apt-get update && apt-get install -y --no-install-recommends docker-registry';

/**
 * The credentials of the real registry's htpasswd file. Distribution only reads bcrypt hashes and Node has no
 * bcrypt without a dependency, so the hash is fixed here. It was made with cost 4 (the minimum: the registry
 * checks it on every request) by Python's crypt module:
 * `python3 -c "import crypt; print(crypt.crypt('fidelity-pass', crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))"`
 * (`htpasswd -nbB -C 4 release-bot fidelity-pass` from apache2-utils does the same).
 */
export const HTPASSWD_USER: { username: string; password: string } = {
  username: 'release-bot',
  password: 'fidelity-pass',
};
const HTPASSWD_LINE = 'release-bot:$2b$04$6yTlur4vDPxKSUlIXduGSu/lZpMdmZGdHUgLi8BswwSZaPnsVscYm';

/** A `docker-registry serve` process on 127.0.0.1 with its storage in a temporary directory. */
export interface RealRegistry {
  url: string;
  /** `127.0.0.1:PORT`, for image references. */
  host: string;
  stop(): Promise<void>;
}

/**
 * Starts a real registry, Debian's `docker-registry` (distribution 2.8), for fidelity tests: anonymous,
 * or behind htpasswd basic auth (user `HTPASSWD_USER`) with realm `basicRealm`. It is spawned
 * asynchronously (the caller may be serving HTTP in the same process) and resolves once `GET /v2/`
 * answers. Throws, naming the package to install, when the binary is missing.
 */
export async function startRealRegistry(options: { basicRealm?: string } = {}): Promise<RealRegistry> {
  if (!existsSync(REGISTRY_BINARY)) {
    throw new Error(`${REGISTRY_BINARY} is missing, so a real registry cannot be started. Install it: ${INSTALL_HINT}`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'release-guard-registry-'));
  const port = await freePort();
  const auth = options.basicRealm
    ? `auth:\n  htpasswd:\n    realm: ${options.basicRealm}\n    path: ${join(dir, 'htpasswd')}\n`
    : '';
  await writeFile(join(dir, 'htpasswd'), `${HTPASSWD_LINE}\n`);
  await writeFile(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '  secret: release-guard-fidelity-test',
      auth,
    ].join('\n'),
  );
  const child = spawn(REGISTRY_BINARY, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await kill(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(url, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, host: `127.0.0.1:${port}`, stop };
}

async function waitUntilServing(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${REGISTRY_BINARY} exited with ${child.exitCode} before serving: ${stderr()}`);
    }
    try {
      const res = await fetch(`${url}/v2/`);
      await res.arrayBuffer();
      if (res.status === 200 || res.status === 401) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${REGISTRY_BINARY} did not answer ${url}/v2/ within 15 s: ${stderr()}`);
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** A port that was free a moment ago on 127.0.0.1. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (typeof address !== 'object' || !address) throw new Error('could not find a free port on 127.0.0.1');
  return address.port;
}
