/**
 * The ruleset part of `GitHubControl`: branch rulesets that require status checks, in any enforcement,
 * with who may bypass them, and the rule suites (the evaluations of pushes, bypasses among them) that
 * GitHub's rule insights list.
 */

import type { BypassActor, RuleSuiteRecord, RulesetEnforcement, RulesetRecord } from '../state.js';
import { MergeQueueControl } from './merge-queue.js';

/** A ruleset as `control.addRuleset` takes it. */
export interface RulesetOptions {
  name: string;
  /** Default `active`; an `evaluate` ruleset only reports what it would have blocked. */
  enforcement?: RulesetEnforcement;
  /** `conditions.ref_name.include`: default `~DEFAULT_BRANCH`. */
  include?: string[];
  exclude?: string[];
  /** Its `required_status_checks` rule: each context, optionally pinned to an app (`integration_id`). */
  requiredChecks: { context: string; integrationId?: number }[];
  bypassActors?: {
    actorType: BypassActor['actor_type'];
    actorId?: number | null;
    bypassMode?: BypassActor['bypass_mode'];
  }[];
}

export class RulesetControl extends MergeQueueControl {
  /** A branch ruleset with a `required_status_checks` rule; returns its id. */
  addRuleset(repo: string, options: RulesetOptions): number {
    const now = this.state.timestamp();
    const ruleset: RulesetRecord = {
      id: this.state.id(),
      name: options.name,
      enforcement: options.enforcement ?? 'active',
      include: options.include ?? ['~DEFAULT_BRANCH'],
      exclude: options.exclude ?? [],
      requiredChecks: options.requiredChecks.map((c) => ({
        context: c.context,
        ...(c.integrationId === undefined ? {} : { integration_id: c.integrationId }),
      })),
      bypassActors: (options.bypassActors ?? []).map((a) => ({
        actor_id: a.actorId ?? null,
        actor_type: a.actorType,
        bypass_mode: a.bypassMode ?? 'always',
      })),
      createdAt: now,
      updatedAt: now,
    };
    this.repo(repo).rulesets.push(ruleset);
    return ruleset.id;
  }

  /** Switches a ruleset to `active`, `evaluate` or `disabled`, as its settings page does. */
  setRulesetEnforcement(repo: string, id: number, enforcement: RulesetEnforcement): void {
    const ruleset = this.repo(repo).rulesets.find((r) => r.id === id);
    if (!ruleset) throw new Error(`no ruleset ${id} in ${repo}`);
    ruleset.enforcement = enforcement;
    ruleset.updatedAt = this.state.timestamp();
  }

  /**
   * A rule suite: the evaluation of a push to `branch` by `actor`. `result` `bypass` is a push (a merge
   * included) that went past the active rules; `evaluationResult` defaults to `result`.
   */
  addRuleSuite(
    repo: string,
    suite: {
      branch: string;
      actor: string;
      result: RuleSuiteRecord['result'];
      evaluationResult?: RuleSuiteRecord['evaluationResult'];
      beforeSha?: string;
      afterSha: string;
      pushedAt?: string;
    },
  ): number {
    const record: RuleSuiteRecord = {
      id: this.state.id(),
      actor: this.state.account(suite.actor),
      ref: `refs/heads/${suite.branch}`,
      beforeSha: suite.beforeSha ?? '0'.repeat(40),
      afterSha: suite.afterSha,
      pushedAt: suite.pushedAt ?? this.state.timestamp(),
      result: suite.result,
      evaluationResult: suite.evaluationResult ?? suite.result,
    };
    this.repo(repo).ruleSuites.push(record);
    return record.id;
  }
}
