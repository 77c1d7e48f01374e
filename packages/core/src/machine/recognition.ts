/**
 * The recognition of the pull request a context guards (its kind, why it is protected, its version),
 * and the same after an event that gives facts of its head.
 */
import type { HeadFacts } from '../head-facts.js';
import { headFactsOf } from '../head-facts.js';
import { type Recognition, recognizeAt } from '../recognition.js';
import type { GuardContext } from './context.js';
import type { Args } from './event.js';

/** The context's recognition, as `recognizeAt` takes it. */
function recognitionOf(context: GuardContext): Recognition & { pr: GuardContext['pr'] } {
  const { version, versionProblem } = context.pr;
  return {
    kind: context.kind,
    pr: context.pr,
    ...(context.protection === undefined ? {} : { protection: context.protection }),
    ...(version === undefined ? {} : { version }),
    ...(versionProblem === undefined ? {} : { versionProblem }),
  };
}

/** The recognition of the head after `event`, from the facts it gives: at the same head (an edit) or a new one. */
export function recognitionAfter({ context, event }: Args, sameHead: boolean): Recognition {
  return recognizeAt(recognitionOf(context), headFactsOf(event as HeadFacts), sameHead, context.settings);
}

/** The recognition of the head after an edit (a `HEAD_CHANGED` of the head itself). */
export function editedRecognition(args: Args): Recognition {
  return recognitionAfter(args, true);
}
