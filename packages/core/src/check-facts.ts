/**
 * The validation of the facts `reconcile` is given: every field of `GuardFacts` checked, with a
 * `GuardEventError` naming each bad one.
 */
import { Checker, join } from './check.js';
import { GuardEventError } from './errors.js';
import { SHA_PATTERN } from './events.js';
import { checkPullRequest } from './pull-request.js';
import type { GuardFacts } from './reconcile.js';

const SHA = { pattern: SHA_PATTERN, hint: 'a lowercase hexadecimal commit SHA' };

/** Throws `GuardEventError` listing every field of `facts` that is malformed. */
export function checkFacts(facts: GuardFacts): void {
  const check = new Checker();
  if (check.record(facts, 'facts')) {
    const value = facts as unknown as Record<string, unknown>;
    check.onlyKeys(value, 'facts', ['pr', 'approvals', 'releaseRuns', 'artifacts', 'statuses', 'at']);
    if (value.at !== undefined) check.string(value.at, 'facts.at', { max: 64 });
    if (check.record(value.pr, 'facts.pr')) {
      const { state, mergedSha, mergedBy, ...pr } = value.pr;
      checkPullRequest(pr, 'facts.pr', check);
      check.oneOf(state, 'facts.pr.state', ['open', 'closed', 'merged'] as const);
      if (mergedSha !== undefined) check.string(mergedSha, 'facts.pr.mergedSha', SHA);
      check.optionalString(mergedBy, 'facts.pr.mergedBy', { max: 100 });
    }
    list(value.approvals, 'facts.approvals', check, (a, path) => {
      check.id(a.reviewId, join(path, 'reviewId'));
      check.string(a.reviewer, join(path, 'reviewer'), { max: 100 });
      check.string(a.sha, join(path, 'sha'), SHA);
      check.boolean(a.authorized, join(path, 'authorized'));
    });
    list(value.releaseRuns, 'facts.releaseRuns', check, (r, path) => {
      check.id(r.runId, join(path, 'runId'));
      if (r.rerunOf !== undefined) check.id(r.rerunOf, join(path, 'rerunOf'));
      check.optionalString(r.version, join(path, 'version'), { max: 100 });
      check.string(r.sha, join(path, 'sha'), SHA);
      if (r.conclusion !== null) check.string(r.conclusion, join(path, 'conclusion'), { max: 40 });
    });
    list(value.artifacts, 'facts.artifacts', check, (a, path) => {
      check.string(a.name, join(path, 'name'), { max: 100 });
      check.string(a.sha, join(path, 'sha'), SHA);
      check.string(a.digest, join(path, 'digest'), { max: 4096 });
      check.optionalString(a.ref, join(path, 'ref'), { max: 1000 });
    });
    list(value.statuses, 'facts.statuses', check, (s, path) => {
      check.string(s.sha, join(path, 'sha'), SHA);
      check.oneOf(s.state, join(path, 'state'), ['pending', 'success', 'failure', 'error'] as const);
      check.optionalString(s.description, join(path, 'description'), { max: 1024 });
    });
  }
  if (!check.ok) throw new GuardEventError('Malformed facts', check.issues);
}

function list(
  value: unknown,
  path: string,
  check: Checker,
  each: (entry: Record<string, unknown>, path: string) => void,
): void {
  if (value === undefined || !check.array(value, path, 1000)) return;
  value.forEach((entry, i) => {
    if (check.record(entry, join(path, i))) each(entry, join(path, i));
  });
}
