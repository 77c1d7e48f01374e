import type { GuardSnapshot } from '@release-guard/core';

/** Marks the guard's timeline comment, so it is found among the others and updated in place. */
export const TIMELINE_MARKER = '<!-- release-guard:timeline -->';
const STATE = /<!-- release-guard:state v(\d+) sha=([0-9a-f]{7,64}) ([A-Za-z0-9+/=]+) -->/;
/** GitHub's limit for a comment body. */
export const COMMENT_LIMIT = 65_536;

/**
 * The timeline comment: a marker, the rendered timeline, and the serialized snapshot hidden in an HTML
 * comment (base64, so no text in it can close the comment early), with its schema version and head SHA.
 */
export function renderTimelineComment(body: string, snapshot: GuardSnapshot, serialized: string): string {
  const state = `<!-- release-guard:state v1 sha=${snapshot.headSha} ${Buffer.from(serialized, 'utf8').toString('base64')} -->`;
  const room = COMMENT_LIMIT - TIMELINE_MARKER.length - state.length - 2;
  if (room < 0) throw new Error(`the snapshot (${serialized.length} characters) does not fit in a comment`);
  const shown = body.length <= room ? body : `${body.slice(0, Math.max(room - 40, 0))}\n\n_(timeline shortened)_`;
  return `${TIMELINE_MARKER}\n${shown}\n${state}`;
}

export type ParsedTimelineComment =
  | { found: true; serialized: string; headSha: string }
  | { found: false; problem: string };

/** The snapshot text hidden in a timeline comment, or why there is none that can be read. */
export function parseTimelineComment(body: string): ParsedTimelineComment {
  if (!body.startsWith(TIMELINE_MARKER)) return { found: false, problem: 'not a release-guard timeline comment' };
  const match = STATE.exec(body);
  if (!match) return { found: false, problem: 'the timeline comment holds no snapshot' };
  const [, version, headSha = '', encoded = ''] = match;
  if (version !== '1') return { found: false, problem: `the snapshot marker has unknown version ${version}` };
  return { found: true, serialized: Buffer.from(encoded, 'base64').toString('utf8'), headSha };
}
