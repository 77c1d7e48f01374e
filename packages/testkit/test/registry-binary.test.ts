import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  missingRegistryBinary,
  REGISTRY_BINARY_ENV,
  registryBinary,
  skipWithoutRealRegistry,
} from '../src/registry/index.js';

const root = mkdtempSync(join(tmpdir(), 'release-guard-registry-binary-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An executable file (or, with `mode`, not) named `name` in a new directory under `root`. */
function file(directory: string, name: string, mode = 0o755): string {
  mkdirSync(join(root, directory), { recursive: true });
  const path = join(root, directory, name);
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
  return path;
}

describe('the real registry binary', () => {
  const debian = file('bin', 'docker-registry');
  const built = file('distribution', 'registry');
  const notExecutable = file('plain', 'docker-registry', 0o644);

  it('is docker-registry on PATH, the first directory that has it', () => {
    const PATH = [join(root, 'empty'), join(root, 'plain'), join(root, 'bin')].join(delimiter);
    expect(registryBinary({ PATH })).toBe(debian);
  });

  it('is the file RELEASE_GUARD_REGISTRY_BIN names, before anything on PATH', () => {
    expect(registryBinary({ PATH: join(root, 'bin'), [REGISTRY_BINARY_ENV]: built })).toBe(built);
  });

  it('is none when the variable names no executable file, whatever PATH holds, and the message says so', () => {
    const env = { PATH: join(root, 'bin'), [REGISTRY_BINARY_ENV]: notExecutable };
    expect(registryBinary(env)).toBeUndefined();
    expect(missingRegistryBinary(env)).toContain(`${REGISTRY_BINARY_ENV}=${notExecutable} is not an executable file`);
    expect(registryBinary({ PATH: join(root, 'plain') })).toBeUndefined();
    expect(missingRegistryBinary({ PATH: '' })).toMatch(/no docker-registry on PATH .* apt-get install/);
  });

  it('missing, skips the real-registry tests with a warning, except under CI=true, which requires them', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(skipWithoutRealRegistry('suite', { PATH: '' })).toBe(true);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('suite tests DID NOT RUN'));
      expect(skipWithoutRealRegistry('suite', { PATH: '', CI: 'true' })).toBe(false);
      expect(skipWithoutRealRegistry('suite', { PATH: join(root, 'bin') })).toBe(false);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });
});
