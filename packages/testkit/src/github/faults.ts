/** What a fault does to the request it hits. */
export type FaultKind =
  /** Answer 5xx (default 502) without touching the state. */
  | { kind: 'server-error'; status?: 500 | 502 | 503 }
  /** Answer 403 with `retry-after`, as GitHub's secondary rate limit does. */
  | { kind: 'secondary-rate-limit'; retryAfter?: number }
  /** Answer 429 with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`, as the primary rate limit does. */
  | { kind: 'rate-limit'; resetInSeconds?: number }
  /** Delay the answer. */
  | { kind: 'latency'; ms: number }
  /** Apply the request, then drop the connection before answering: the client never learns it worked. */
  | { kind: 'lose-response' }
  /** Rewrite the response body before it is checked: proves (or tests) that broken responses are caught. */
  | { kind: 'corrupt-response'; corrupt: (body: unknown) => unknown };

export type FaultRule = FaultKind & {
  /** Only requests to this repository (`owner/name`); GraphQL requests count for the repository they name. */
  repo?: string;
  /** Only this operation: an operationId such as `pulls/merge`, or `graphql` (optionally `graphql:mergePullRequest`). */
  operation?: string;
  /** Hit the Nth matching request (1-based). Default 1. */
  nth?: number;
  /** How many consecutive matching requests to hit from the Nth. Default 1. */
  times?: number;
};

interface ArmedRule {
  rule: FaultRule;
  seen: number;
  hits: number;
}

/** Fault rules, matched in the order they were added; each counts its own matching requests. */
export class Faults {
  private rules: ArmedRule[] = [];
  /** Every fault that fired, for the test to assert on. */
  readonly fired: { rule: FaultRule; operation: string; repo: string | undefined }[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, seen: 0, hits: 0 });
  }

  clear(repo?: string): void {
    this.rules = repo ? this.rules.filter((r) => r.rule.repo?.toLowerCase() !== repo.toLowerCase()) : [];
  }

  /** The fault to apply to this request, if any. */
  match(operation: string, repo: string | undefined, graphqlField?: string): FaultRule | undefined {
    for (const armed of this.rules) {
      const { rule } = armed;
      if (rule.repo && rule.repo.toLowerCase() !== repo?.toLowerCase()) continue;
      if (rule.operation && rule.operation !== operation && rule.operation !== `${operation}:${graphqlField}`) continue;
      armed.seen++;
      const nth = rule.nth ?? 1;
      if (armed.seen >= nth && armed.hits < (rule.times ?? 1)) {
        armed.hits++;
        this.fired.push({ rule, operation, repo });
        return rule;
      }
    }
    return undefined;
  }
}
