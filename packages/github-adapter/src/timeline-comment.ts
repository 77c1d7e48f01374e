import { type GuardSnapshot, shortSha } from '@release-guard/core';

/** Marks the guard's timeline comment, so it is found among the others and updated in place. */
export const TIMELINE_MARKER = '<!-- release-guard:timeline -->';
const STATE = /<!-- release-guard:state v(\d+) sha=([0-9a-f]{7,64}) ([A-Za-z0-9+/=]+) -->/;
/** Anything that starts like a state marker, well-formed or not: a comment holds exactly one. */
const STATE_START = /<!--\s*release-guard:state/g;
/** GitHub's limit for a comment body. */
export const COMMENT_LIMIT = 65_536;

/** Where the action's documentation says how to recover from a failed release or a bypass. */
export const RECOVERING_URL = 'https://github.com/release-guard/action#recovering';
/** The line a timeline comment ends with while the pull request needs someone to act. */
export const RECOVERING_LINE = `What to do now: [Recovering](${RECOVERING_URL}).`;

/** Whether the pull request needs someone to act: its release failed, or the guard was bypassed. */
function needsRecovery(snapshot: GuardSnapshot): boolean {
  return snapshot.phase === 'failed' || snapshot.violations.length > 0;
}

/**
 * The timeline comment: a marker, the rendered timeline (with {@link RECOVERING_LINE} while the release
 * failed or after a bypass), and the serialized snapshot hidden in an HTML
 * comment (base64, so no text in it can close the comment early), with its schema version and head SHA.
 * HTML comments in `body` are neutralised, so that no text in it can pass for the state marker.
 */
export function renderTimelineComment(body: string, snapshot: GuardSnapshot, serialized: string): string {
  const state = `<!-- release-guard:state v1 sha=${snapshot.headSha} ${Buffer.from(serialized, 'utf8').toString('base64')} -->`;
  const help = needsRecovery(snapshot) ? `\n\n${RECOVERING_LINE}` : '';
  const room = COMMENT_LIMIT - TIMELINE_MARKER.length - state.length - help.length - 2;
  if (room < 0) throw new Error(`the snapshot (${serialized.length} characters) does not fit in a comment`);
  const inert = body.replace(/<!--/g, '&lt;!--');
  const timeline = inert.length <= room ? inert : `${inert.slice(0, Math.max(room - 40, 0))}\n\n_(timeline shortened)_`;
  const shown = `${timeline}${help}`;
  return `${TIMELINE_MARKER}\n${shown}\n${state}`;
}

export type ParsedTimelineComment =
  | { found: true; serialized: string; headSha: string }
  | { found: false; problem: string };

/**
 * The snapshot text hidden in a timeline comment, or why there is none that can be read. A comment
 * edited by hand (a second marker, base64 that is not what the guard writes, a head SHA that is not
 * the snapshot's) is refused rather than half-read.
 */
export function parseTimelineComment(body: string): ParsedTimelineComment {
  if (!body.startsWith(TIMELINE_MARKER)) return { found: false, problem: 'not a release-guard timeline comment' };
  if (body.length > COMMENT_LIMIT) {
    return { found: false, problem: `the timeline comment is longer than GitHub allows (${COMMENT_LIMIT} characters)` };
  }
  const markers = body.match(STATE_START)?.length ?? 0;
  if (markers > 1) return { found: false, problem: `the timeline comment holds ${markers} snapshot markers, not one` };
  const match = STATE.exec(body);
  if (!match) return { found: false, problem: 'the timeline comment holds no snapshot' };
  const [, version, headSha = '', encoded = ''] = match;
  if (version !== '1') return { found: false, problem: `the snapshot marker has unknown version ${version}` };
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.toString('base64') !== encoded) {
    return { found: false, problem: 'the snapshot in the timeline comment is not well-formed base64' };
  }
  let serialized: string;
  try {
    serialized = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { found: false, problem: 'the snapshot in the timeline comment is not UTF-8 text' };
  }
  // Text that is not a snapshot is left to `guard.restore`, which says what is wrong with it.
  const of = snapshotHead(serialized);
  if (of !== undefined && of !== headSha) {
    return {
      found: false,
      problem: `the snapshot marker names head ${shortSha(headSha)}, but the snapshot it holds is of another head`,
    };
  }
  return { found: true, serialized, headSha };
}

/** The head SHA a serialized snapshot names, if it is JSON that names one. */
function snapshotHead(serialized: string): string | undefined {
  try {
    const document: unknown = JSON.parse(serialized);
    const snapshot = (document as { snapshot?: { headSha?: unknown } } | null)?.snapshot;
    return typeof snapshot?.headSha === 'string' ? snapshot.headSha : undefined;
  } catch {
    return undefined;
  }
}
