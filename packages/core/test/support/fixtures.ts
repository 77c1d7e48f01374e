import {
  createGuard,
  type GuardConfig,
  type GuardConfigError,
  type GuardEventError,
  type GuardStateError,
  type InputIssue,
  type PullRequest,
} from '@release-guard/core';
import { DEFAULT_SHAS } from '@release-guard/core/testing';
import { expect } from 'vitest';

/** The seed's set-up: an image verified before unlock, and a chart published by the merge after it. */
export const SEED_CONFIG: GuardConfig = {
  artifacts: [
    { name: 'image', ref: 'ghcr.io/weaveworks/wego-app:{version}' },
    { name: 'chart', ref: 'ghcr.io/weaveworks/charts/weave-gitops:{chart}', after: ['image'], onMerge: true },
  ],
};

export const seedGuard = () => createGuard(SEED_CONFIG);

export function releasePr(overrides: Partial<PullRequest> = {}): PullRequest {
  return {
    number: 3906,
    headRef: 'releases/v0.29.0',
    headSha: DEFAULT_SHAS[0] as string,
    baseRef: 'main',
    fromFork: false,
    version: 'v0.29.0',
    versions: { chart: '4.0.27' },
    ...overrides,
  };
}

export const SHA = { a: DEFAULT_SHAS[0] as string, b: DEFAULT_SHAS[1] as string, c: DEFAULT_SHAS[2] as string };

type InputErrorClass = typeof GuardConfigError | typeof GuardEventError | typeof GuardStateError;

/**
 * Runs `run`, expects it to throw an instance of `ErrorClass` with at least one issue and a message
 * that lists every issue (with its path), and returns the issues.
 */
export function issuesOf(ErrorClass: InputErrorClass, run: () => unknown): readonly InputIssue[] {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ErrorClass);
  const error = caught as InstanceType<InputErrorClass>;
  expect(error).toBeInstanceOf(Error);
  expect(error.name).toBe(ErrorClass.name);
  expect(error.issues.length).toBeGreaterThan(0);
  for (const issue of error.issues) {
    expect(error.message).toContain(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
  return error.issues;
}

/** An expected issue: its exact path, and a message containing `parts` in order. */
export const issue = (path: string, ...parts: string[]) => ({
  path,
  message: expect.stringMatching(new RegExp(parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*'))),
});
