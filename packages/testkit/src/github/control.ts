/** The control API of the GitHub emulator, and the request log it keeps. */

import { ReleaseControl } from './control/releases.js';
import type { FaultRule, Faults } from './faults.js';
import type { GitHubState } from './state.js';

/** One request the emulator served. */
export interface RequestLogEntry {
  method: string;
  path: string;
  /** The OpenAPI operationId, or `graphql:<first root field>`. */
  operation: string;
  repo: string | undefined;
  status: number;
  /** Who the token authenticated. */
  caller: string | undefined;
  /** The raw request body, for tests that check nothing secret was sent. */
  body: string;
  at: string;
}

export interface Counters {
  requests: number;
  requestValidations: number;
  responseValidations: number;
}

/**
 * Sets up and inspects the emulator's state. Repositories are isolated from each other: tests that
 * share one emulator use different repository names, and faults can be scoped to one repository.
 *
 * Its methods are grouped by concern, each group a class this one extends: repositories and access
 * (control/repositories.ts), pull requests (control/pull-requests.ts), workflows and runs
 * (control/workflows.ts), the files of commits (control/contents.ts), merge queues and the deliveries
 * they produce (control/merge-queue.ts), rulesets and rule suites (control/rulesets.ts), releases and
 * their assets (control/releases.ts); the request log,
 * contract violations and faults are here.
 */
export class GitHubControl extends ReleaseControl {
  readonly log: RequestLogEntry[] = [];
  readonly violations: Error[] = [];
  readonly counters: Counters = { requests: 0, requestValidations: 0, responseValidations: 0 };

  constructor(
    state: GitHubState,
    private readonly faultRules: Faults,
  ) {
    super(state);
  }

  /** Arms a fault; see `FaultRule`. */
  inject(rule: FaultRule): void {
    this.faultRules.add(rule);
  }

  clearFaults(repo?: string): void {
    this.faultRules.clear(repo);
  }

  get firedFaults() {
    return this.faultRules.fired;
  }

  /** Requests to one repository, for counting API calls. */
  requests(repo?: string): RequestLogEntry[] {
    return repo ? this.log.filter((e) => e.repo?.toLowerCase() === repo.toLowerCase()) : [...this.log];
  }

  /** Throws the first contract violation seen, if any: call it in `afterEach`. */
  assertNoViolations(): void {
    const first = this.violations[0];
    if (first) throw first;
  }
}
