/**
 * Reads of `doctor`, which must tell "not readable with this token" (403, 404) from "not there": a read
 * either answers or says why not, with the permissions GitHub names for it (`x-accepted-github-permissions`,
 * sent to GitHub Apps and fine-grained tokens). Any other error still throws.
 */
import type { Octokit } from '@release-guard/github-adapter';

/** A read that answered, or was refused (403) or not found (404). */
export type Read<T> =
  | { ok: true; data: T; headers: Record<string, string | number | undefined> }
  | { ok: false; status: 403 | 404; message: string; accepted?: string };

/** `request`'s answer, or its 403 or 404. */
export async function attempt<T>(
  request: () => Promise<{ data: T; headers?: Record<string, string | number | undefined> }>,
): Promise<Read<T>> {
  try {
    const { data, headers } = await request();
    return { ok: true, data, headers: headers ?? {} };
  } catch (error) {
    const failed = error as { status?: number; message?: string; response?: { headers?: Record<string, string> } };
    if (failed.status !== 403 && failed.status !== 404) throw error;
    const accepted = failed.response?.headers?.['x-accepted-github-permissions'];
    return {
      ok: false,
      status: failed.status,
      message: (failed.message ?? '').split(' - ')[0] ?? '',
      ...(accepted ? { accepted } : {}),
    };
  }
}

/** Why a read was refused, for a finding: "403 Resource not accessible by integration (GitHub asks for …)". */
export function refusal(read: { status: number; message: string; accepted?: string }): string {
  return `${read.status} ${read.message}${read.accepted ? ` (GitHub asks for ${read.accepted})` : ''}`;
}

/** What every check of `doctor` reads with. */
export interface DoctorScope {
  octokit: Octokit;
  repo: { owner: string; repo: string };
  /** The branch the lock protects (`base-branch`, default the repository's default branch). */
  base: string;
  defaultBranch: string;
  /** `status-context` and `status-kind`. */
  context: string;
  kind: 'status' | 'check-run';
  /** Who `token` is (GraphQL `viewer`, REST's spelling: `github-actions[bot]`). */
  viewer: string;
}

/**
 * Whether a ruleset's `conditions.ref_name` targets `branch`: an `include` pattern (`~ALL`,
 * `~DEFAULT_BRANCH`, `refs/heads/<fnmatch>`) matches it and no `exclude` pattern does.
 */
export function targetsBranch(
  conditions: { ref_name?: { include?: string[]; exclude?: string[] } } | null | undefined,
  branch: string,
  defaultBranch: string,
): boolean {
  const matches = (pattern: string) => {
    if (pattern === '~ALL') return true;
    if (pattern === '~DEFAULT_BRANCH') return branch === defaultBranch;
    const glob = pattern.replace(/^refs\/heads\//, '');
    const source = glob
      .split(/(\*\*|\*|\?)/)
      .map((part) =>
        part === '**'
          ? '.*'
          : part === '*'
            ? '[^/]*'
            : part === '?'
              ? '[^/]'
              : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    return new RegExp(`^${source}$`).test(branch);
  };
  const ref = conditions?.ref_name;
  if (!ref) return true;
  return (ref.include ?? []).some(matches) && !(ref.exclude ?? []).some(matches);
}
