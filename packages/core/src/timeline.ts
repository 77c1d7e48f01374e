import type { GuardSnapshot, Phase } from './snapshot.js';
import { inertMarkdown, shortSha } from './text.js';

/** The failure of a release that took longer than the caller allows (`TIMED_OUT`). */
export const TIMED_OUT_FAILURE = 'release timed out';

/** A timed-out run may still be running: it is cancelled before it can be re-run. */
const TIMED_OUT_HEADLINE = 'release timed out: approve again, or cancel the run and re-run it';

const HEADLINE: Record<Phase, string> = {
  skipped: 'not a release pull request',
  prepared: 'locked: waiting for an approved release',
  approved: 'approved: release requested',
  releasing: 'releasing',
  released: 'released: merging',
  merged: 'merged',
  failed: 'release failed: re-run the release run, or approve again',
  closed: 'closed',
};

/**
 * The Markdown of the pull request's timeline comment. Every value that came from outside the guard
 * is made inert, so a branch name or a failure reason cannot inject Markdown or HTML.
 */
export function renderTimeline(
  snapshot: Pick<GuardSnapshot, 'phase' | 'headSha' | 'pr' | 'timeline' | 'violations'> &
    Partial<Pick<GuardSnapshot, 'failure'>>,
): string {
  const timedOut = snapshot.phase === 'failed' && snapshot.failure === TIMED_OUT_FAILURE;
  const lines = [
    `### release-guard: ${timedOut ? TIMED_OUT_HEADLINE : HEADLINE[snapshot.phase]}`,
    '',
    `Release branch \`${snapshot.pr.headRef.replace(/`/g, "'")}\` at \`${shortSha(snapshot.headSha)}\`.`,
    '',
    '| phase | commit | what happened |',
    '| --- | --- | --- |',
    ...snapshot.timeline.map(
      (entry) =>
        `| ${entry.phase} | \`${shortSha(entry.sha)}\` | ${inertMarkdown(entry.note)}${entry.at ? ` (${inertMarkdown(entry.at, 40)})` : ''} |`,
    ),
  ];
  if (snapshot.violations.length > 0) {
    lines.push('', '> [!WARNING]', ...snapshot.violations.map((v) => `> ${inertMarkdown(v)}`));
  }
  return lines.join('\n');
}
