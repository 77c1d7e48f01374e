import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's `docker-registry` package (distribution 2.8) installs the registry. */
export const REGISTRY_BINARY = '/usr/bin/docker-registry';
export const INSTALL_HINT = 'apt-get update && apt-get install -y --no-install-recommends docker-registry';

/**
 * The htpasswd user of the real registry. Distribution reads bcrypt hashes only, so the hash is fixed here
 * (cost 4, made with `htpasswd -nbB -C 4 release-bot fidelity-pass`; the same as the testkit's fidelity test).
 */
export const HTPASSWD_USER = { username: 'release-bot', password: 'fidelity-pass' };
const HTPASSWD_LINE = 'release-bot:$2b$04$6yTlur4vDPxKSUlIXduGSu/lZpMdmZGdHUgLi8BswwSZaPnsVscYm';

/** A `docker-registry serve` process on 127.0.0.1, its storage in a temporary directory. */
export interface RealRegistry {
  url: string;
  /** `127.0.0.1:PORT`, for references. */
  host: string;
  stop(): Promise<void>;
}

/** Starts the real registry, anonymous or behind htpasswd basic auth, and resolves once `GET /v2/` answers. */
export async function startRealRegistry(options: { basicAuth?: boolean } = {}): Promise<RealRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'release-guard-artifacts-'));
  const port = await freePort();
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
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '  secret: release-guard-artifacts-test',
      ...(options.basicAuth
        ? ['auth:', '  htpasswd:', '    realm: release-guard', `    path: ${join(dir, 'htpasswd')}`]
        : []),
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
    if (child.exitCode !== null) throw new Error(`${REGISTRY_BINARY} exited with ${child.exitCode}: ${stderr()}`);
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
