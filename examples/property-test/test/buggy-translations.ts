import type { GuardEvent } from '@release-guard/core';
import { type Translate, translate } from '../integration.js';

/**
 * BUGGY on purpose. "A review is for the pull request, so it approves its head": the review's own
 * commit is replaced by the head the inbox knows. A review of an earlier commit then approves commits
 * pushed after it, which the reviewer never saw.
 */
export const approvesTheHead: Translate = (payload, context) =>
  translate(payload, context).map(
    (event): GuardEvent => (event.type === 'APPROVED' ? { ...event, sha: context.snapshot.headSha } : event),
  );

/**
 * BUGGY on purpose. "Our release pipeline pushes the image itself, so a passed pipeline means the
 * image exists": the registry check is skipped by reporting every required artifact verified as soon
 * as the pipeline passes. When the push silently failed, that is the weave-gitops v0.29 incident again.
 */
export const trustsThePipeline: Translate = (payload, context) => {
  const events = translate(payload, context);
  const passed = events.find((e) => e.type === 'RELEASE_SUCCEEDED');
  if (!passed) return events;
  const verified = context.settings.artifacts
    .filter((artifact) => !artifact.onMerge)
    .map(
      (artifact): GuardEvent => ({
        type: 'ARTIFACT_VERIFIED',
        sha: passed.sha,
        name: artifact.name,
        digest: 'sha256:trusted-from-the-pipeline',
      }),
    );
  return [...events, ...verified];
};
