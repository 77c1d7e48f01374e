/** One problem found in a piece of input: where it is and what to fix. */
export interface InputIssue {
  /** Dotted path of the offending field, e.g. `artifacts.1.after.0`; empty for the value itself. */
  path: string;
  message: string;
}

function describe(subject: string, issues: readonly InputIssue[]): string {
  const lines = issues.map((issue) => (issue.path ? `  - ${issue.path}: ${issue.message}` : `  - ${issue.message}`));
  return `${subject}:\n${lines.join('\n')}`;
}

abstract class GuardInputError extends Error {
  readonly issues: readonly InputIssue[];
  constructor(subject: string, issues: readonly InputIssue[]) {
    super(describe(subject, issues));
    this.issues = issues;
  }
}

/**
 * Thrown by `createGuard` when the configuration is invalid. `issues` names every problem found, not
 * only the first.
 */
export class GuardConfigError extends GuardInputError {
  override name = 'GuardConfigError';
  constructor(issues: readonly InputIssue[]) {
    super('Invalid release-guard configuration', issues);
  }
}

/** Thrown by `guard.start` and `guard.next` for a malformed pull request or event. */
export class GuardEventError extends GuardInputError {
  override name = 'GuardEventError';
  constructor(subject: string, issues: readonly InputIssue[]) {
    super(subject, issues);
  }
}

/** Thrown by `guard.restore` for text that is not a snapshot this version can trust. */
export class GuardStateError extends GuardInputError {
  override name = 'GuardStateError';
  constructor(issues: readonly InputIssue[]) {
    super('Cannot restore the release-guard snapshot', issues);
  }
}
