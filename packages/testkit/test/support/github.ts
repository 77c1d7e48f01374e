import { Octokit } from '@octokit/rest';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type GitHubEmulator, startGitHub } from '../../src/github/index.js';

/** One emulator per test file, contract violations failing the test that caused them. */
export function useGitHub(): { github: () => GitHubEmulator; octokit: (token?: string) => Octokit } {
  let github: GitHubEmulator | undefined;
  beforeAll(async () => {
    github = await startGitHub();
  });
  afterEach(() => {
    const violations = github?.control.violations.splice(0) ?? [];
    if (violations[0]) throw violations[0];
  });
  afterAll(async () => {
    await github?.close();
  });
  const current = () => {
    if (!github) throw new Error('the emulator has not started');
    return github;
  };
  return {
    github: current,
    octokit: (token = 'release-bot-token') => new Octokit({ baseUrl: current().url, auth: token, log: quiet }),
  };
}

const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

let counter = 0;
/** A fresh repository per test, so tests sharing an emulator never see each other's state. */
export function freshRepo(github: GitHubEmulator, collaborators: Record<string, 'read' | 'write' | 'admin'> = {}) {
  counter++;
  const name = `repo-${counter}`;
  const full = github.control.createRepository({ owner: 'weaveworks', name, collaborators });
  return { owner: 'weaveworks', repo: name, full };
}

export const SHA = { a: 'a'.repeat(40), b: 'b'.repeat(40), c: 'c'.repeat(40) };
