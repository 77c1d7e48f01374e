import { describe, expect, it } from 'vitest';
import { bypassedIncident, failedRelease, guardedIncident, ordinaryPullRequest } from '../core-replay.js';

describe('the v0.29 incident replayed through the core alone', () => {
  it('with the guard, the 11:16 merge is blocked and the merge is only allowed once the image is verified', () => {
    const replay = guardedIncident();
    expect(replay.lines.find((l) => l.at === '11:16')?.merge).toBe('blocked');
    const firstAllowed = replay.lines.findIndex((l) => l.merge === 'allowed');
    expect(replay.lines[firstAllowed]?.what).toBe('the registry has the image');
    expect(replay.lines.slice(0, firstAllowed).every((l) => l.merge === 'blocked')).toBe(true);
    expect(replay.final.phase).toBe('merged');
    expect(replay.final.violations).toEqual([]);
  });

  it('a bypassing merge at 11:16 is recorded as a violation and alerted', () => {
    const replay = bypassedIncident();
    expect(replay.final.violations).toHaveLength(1);
    expect(replay.lines.at(-1)?.effects.some((e) => e.startsWith('ALERT'))).toBe(true);
  });

  it('a failed release turns the check red, and a new approval releases and merges', () => {
    const replay = failedRelease();
    expect(replay.lines.find((l) => l.at === '11:20')?.effects[0]).toMatch(/SET_STATUS failure/);
    expect(replay.final.phase).toBe('merged');
  });

  it('an ordinary pull request is never held up', () => {
    expect(ordinaryPullRequest().lines.every((l) => l.merge === 'allowed')).toBe(true);
  });
});
