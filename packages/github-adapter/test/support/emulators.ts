import type { Octokit } from '@octokit/rest';
import { type GitHubEmulator, type Registry, startGitHub, startRegistry } from '@release-guard/testkit';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type ClientOptions, createOctokit, type RepoRef } from '../../src/index.js';

export const SHA = { a: 'a'.repeat(40), b: 'b'.repeat(40) };
export { RELEASE_INPUTS, RELEASE_RUN_NAME } from '../../src/index.js';

export interface Emulators {
  github: GitHubEmulator;
  registry: Registry;
}

/**
 * One GitHub emulator (and, on request, one registry emulator) per test file, started on 127.0.0.1 and
 * closed after; a contract violation fails the test that caused it.
 */
export function useEmulators(options: { registry?: boolean } = {}): Emulators {
  const emulators = {} as Emulators;
  beforeAll(async () => {
    emulators.github = await startGitHub();
    if (options.registry) emulators.registry = await startRegistry();
  });
  afterEach(() => emulators.github.control.assertNoViolations());
  afterAll(async () => {
    await emulators.github?.close();
    await emulators.registry?.close();
  });
  return emulators;
}

let repositories = 0;

/**
 * A fresh repository in `weaveworks` (tests sharing an emulator never see each other's state), a token
 * for the guard's app with write access, and an Octokit using it.
 */
export function guardRepository(
  github: GitHubEmulator,
  options: { collaborators?: Record<string, 'read' | 'write' | 'admin'>; client?: Partial<ClientOptions> } = {},
): { name: string; full: string; repo: RepoRef; octokit: Octokit } {
  repositories++;
  const name = `repo-${repositories}`;
  const full = github.control.createRepository({
    owner: 'weaveworks',
    name,
    collaborators: options.collaborators ?? {},
  });
  github.control.addToken('guard', 'release-guard[bot]');
  github.control.setPermission(full, 'release-guard[bot]', 'write');
  const octokit = createOctokit({
    token: 'guard',
    baseUrl: github.url,
    throttle: false,
    retries: 0,
    ...options.client,
  });
  return { name, full, repo: { owner: 'weaveworks', repo: name }, octokit };
}
