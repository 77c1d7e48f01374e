/**
 * What a command returns when it leaves no single pull request behind (a sweep, a gate), and when it has
 * nothing to do. Kept apart from the guard: an event the action ignores loads only this.
 */
import { inertMarkdown } from '@release-guard/core';
import type { ActionLog, ActionResult } from '../run.js';

/** The outputs of a run that leaves no single pull request behind (a notice, a sweep, a gate). */
export const NO_OUTPUTS: ActionResult['outputs'] = { phase: '', release: 'false', 'head-sha': '', version: '' };

/** A run that ignores its event: `notice`, which may quote the payload, is logged and shown as inert Markdown. */
export function ignoredEvent(log: ActionLog, notice: string): ActionResult {
  log.notice(notice);
  return {
    outputs: { ...NO_OUTPUTS },
    summary: `### release-guard\n\nNothing to do: ${inertMarkdown(notice)}.`,
    failures: [],
    pullRequests: [],
  };
}
