import type { FaultRule, GitHubControl } from '@release-guard/testkit';
import type { Random } from './random.js';
import type { Setup } from './setup.js';
import type { SoakReport } from './types.js';

/**
 * The API faults armed on a lifecycle's repository: before a share of the deliveries (a quarter by
 * default), a server error, a secondary rate limit, or a response lost after a write; under a script, the
 * fault its step names. The final sweep runs with none.
 */

/** The guard's writes, whose responses can be lost after GitHub made them. */
const WRITES = [
  'repos/create-commit-status',
  'issues/create-comment',
  'issues/update-comment',
  'actions/create-workflow-dispatch',
  'pulls/merge',
];
/** With the merge queue, its mutations too. */
const QUEUE_WRITES = [...WRITES, 'graphql:enqueuePullRequest', 'graphql:dequeuePullRequest'];

export class Faults {
  constructor(
    private readonly github: GitHubControl,
    private readonly setup: Setup,
    private readonly random: Random,
    private readonly report: SoakReport,
    /** Chance that a delivery meets a fault; none under a script, whose steps arm their own. */
    private readonly rate: number | undefined,
  ) {}

  /** Before a delivery's runs: a fault drawn, at the soak's rate. */
  draw(): void {
    if (this.rate === undefined || !this.random.chance(this.rate)) return;
    this.report.faultsInjected++;
    const kind = this.random.pick(['server-error', 'secondary-rate-limit', 'lose-response'] as const);
    const repo = this.setup.full;
    const writes = this.setup.queue ? QUEUE_WRITES : WRITES;
    const rule: FaultRule =
      kind === 'lose-response'
        ? { kind, repo, operation: this.random.pick(writes) }
        : kind === 'server-error'
          ? { kind, repo, operation: this.random.pick([...writes, 'graphql', 'pulls/list']), status: 502 }
          : { kind, repo, retryAfter: 1 };
    this.github.inject(rule);
  }

  /** A fault a scripted step names, on the lifecycle's repository. */
  arm(rule: FaultRule): void {
    this.github.inject({ ...rule, repo: this.setup.full });
  }

  clear(): void {
    this.github.clearFaults(this.setup.full);
  }
}
