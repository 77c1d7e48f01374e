/**
 * What `doctor` finds, as data (`--json`) and as the checklist of the log and the job summary: checks of
 * the lock's set-up, each with findings that say what is wrong and how to fix it.
 */
import { inertMarkdown } from '@release-guard/core';

/** How a finding stands: `fail` makes the lock ineffective (exit 1); the others do not. */
export type FindingStatus = 'pass' | 'fail' | 'warn' | 'note';

export interface Finding {
  status: FindingStatus;
  /** What was found, in a sentence or two. */
  message: string;
  /** How to fix it, for a `fail` or a `warn`. */
  fix?: string;
}

/** The checks, in the order the checklist shows them; the first three decide whether the lock is effective. */
export const CHECKS = {
  'required-status': 'the status is required on the base branch',
  'release-workflow': 'the release workflow can be dispatched and found',
  'release-pull-requests': 'release pull requests are recognised',
  bypasses: 'no recent bypass of the lock',
  permissions: 'the guard has the permissions it needs',
  'bypass-allowances': 'who may merge past the lock',
  'status-jobs': 'no workflow job can satisfy the status itself',
} as const;
export type CheckId = keyof typeof CHECKS;

export interface DoctorCheck {
  id: CheckId;
  title: string;
  /** The worst of its findings. */
  status: FindingStatus;
  findings: Finding[];
}

/** The checklist of one `doctor` run; `effective` is false when any check fails. */
export interface DoctorReport {
  repository: string;
  baseBranch: string;
  statusContext: string;
  statusKind: 'status' | 'check-run';
  effective: boolean;
  checks: DoctorCheck[];
}

const ORDER: readonly FindingStatus[] = ['pass', 'note', 'warn', 'fail'];

/** A check from its findings: its status is the worst of them (`pass` when it has none). */
export function check(id: CheckId, findings: Finding[]): DoctorCheck {
  const status = findings.reduce<FindingStatus>(
    (worst, f) => (ORDER.indexOf(f.status) > ORDER.indexOf(worst) ? f.status : worst),
    'pass',
  );
  return { id, title: CHECKS[id], status, findings };
}

const MARK: Record<FindingStatus, string> = { pass: '✅', fail: '❌', warn: '⚠️', note: 'ℹ️' };

/**
 * The checklist as the job summary shows it: a table of each check's findings, with the fix after what is
 * wrong (Markdown; outside text made inert).
 */
export function renderDoctorSummary(report: DoctorReport): string {
  const verdict = report.effective ? 'is effective' : 'is NOT effective';
  const kind = report.statusKind === 'check-run' ? 'check run' : 'status';
  const rows = report.checks.flatMap((c) =>
    c.findings.map(
      (f, i) =>
        `| ${MARK[f.status]} | ${i === 0 ? c.title : ''} | ${inertMarkdown(f.message, 2000)}${f.fix ? `. Fix: ${inertMarkdown(f.fix, 2000)}` : ''} |`,
    ),
  );
  return [
    `### release-guard doctor: the lock on ${inertMarkdown(report.baseBranch, 100)} ${verdict}`,
    '',
    `${inertMarkdown(report.repository, 200)}, required ${kind} ${inertMarkdown(report.statusContext, 100)}`,
    '',
    '| | check | finding |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** Each failing finding as one line of the step's failures. */
export function doctorFailures(report: DoctorReport): string[] {
  return report.checks.flatMap((c) =>
    c.findings.filter((f) => f.status === 'fail').map((f) => `${c.id}: ${f.message}${f.fix ? `. Fix: ${f.fix}` : ''}`),
  );
}
