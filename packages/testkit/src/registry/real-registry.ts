import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The environment variable naming the registry binary, for one that is not Debian's on PATH. */
export const REGISTRY_BINARY_ENV = 'RELEASE_GUARD_REGISTRY_BIN';
/** @deprecated Use `registryBinary()`, which finds the binary on PATH or through {@link REGISTRY_BINARY_ENV}. */
export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/** The name Debian's `docker-registry` package (distribution 2.8) gives the registry on PATH. */
const DEBIAN_BINARY = 'docker-registry';

/** How to get a registry binary the fidelity tests are calibrated on (distribution 2.8). */
export const INSTALL_HINT = [
  'On Debian or Ubuntu: apt-get update && apt-get install -y --no-install-recommends docker-registry.',
  'On another Linux: the registry binary of a distribution 2.8 release',
  '(registry_2.8.3_linux_<arch>.tar.gz at https://github.com/distribution/distribution/releases/tag/v2.8.3),',
  `named by ${REGISTRY_BINARY_ENV}=/path/to/registry. Elsewhere, run the tests in a Linux container.`,
].join(' ');

/**
 * The registry binary: the file `RELEASE_GUARD_REGISTRY_BIN` names when it is set, else `docker-registry`
 * on `PATH`. Undefined when there is none (or the variable names no executable file).
 */
export function registryBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env[REGISTRY_BINARY_ENV];
  if (named) return isExecutableFile(named) ? named : undefined;
  for (const directory of (env.PATH ?? '').split(delimiter)) {
    const candidate = directory ? join(directory, DEBIAN_BINARY) : undefined;
    if (candidate && isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** Why {@link registryBinary} found none, and how to get one. */
export function missingRegistryBinary(env: NodeJS.ProcessEnv = process.env): string {
  const named = env[REGISTRY_BINARY_ENV];
  const why = named
    ? `${REGISTRY_BINARY_ENV}=${named} is not an executable file`
    : `there is no ${DEBIAN_BINARY} on PATH and ${REGISTRY_BINARY_ENV} is not set`;
  return `${why}, so a real registry cannot be started. ${INSTALL_HINT}`;
}

/**
 * Whether the real-registry tests of `suite` must be skipped: there is no registry binary and `CI` is not
 * `true` (CI requires them: there they run and fail, saying why). Warns, loudly, when they are skipped.
 */
export function skipWithoutRealRegistry(suite: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (registryBinary(env) !== undefined || env.CI === 'true') return false;
  console.warn(`\n!!! ${suite} tests DID NOT RUN: ${missingRegistryBinary(env)}\n`);
  return true;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

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

/** A `registry serve` process (see {@link registryBinary}) on 127.0.0.1 with its storage in a temporary directory. */
export interface RealRegistry {
  url: string;
  /** `127.0.0.1:PORT`, for image references. */
  host: string;
  stop(): Promise<void>;
}

/**
 * Starts a real registry, distribution 2.8 ({@link registryBinary}: Debian's `docker-registry`, or the
 * binary `RELEASE_GUARD_REGISTRY_BIN` names), for fidelity tests: anonymous, or behind htpasswd basic auth
 * (user `HTPASSWD_USER`) with realm `basicRealm`. It is spawned asynchronously (the caller may be serving
 * HTTP in the same process) and resolves once `GET /v2/` answers. Throws, saying how to get one, when
 * there is no binary.
 */
export async function startRealRegistry(options: { basicRealm?: string } = {}): Promise<RealRegistry> {
  const binary = registryBinary();
  if (!binary) throw new Error(missingRegistryBinary());
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
  const child = spawn(binary, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
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
    await waitUntilServing(binary, url, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, host: `127.0.0.1:${port}`, stop };
}

async function waitUntilServing(binary: string, url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${binary} exited with ${child.exitCode} before serving: ${stderr()}`);
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
  throw new Error(`${binary} did not answer ${url}/v2/ within 15 s: ${stderr()}`);
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
