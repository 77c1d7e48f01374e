/**
 * How the replay's timeline tells what happened: SHAs and digests cut short, the image and the chart by
 * the last part of their names, and the guard's executed effects as timeline lines.
 */
import type { Effect, GuardSnapshot } from '@release-guard/core';
import type { GitHubControl } from '@release-guard/testkit';
import { RELEASE_WORKFLOW } from './scenario.js';
import { releaseRunOf } from './world.js';

export function short(text: string, length = 7): string {
  return text.length > length ? text.slice(0, length) : text;
}

export function refTail(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** `wego-app:v0.29.0`: an image or a chart by the last part of its name, and its tag. */
export function shortArtifact(artifact: { name: string; tag: string }): string {
  return `${refTail(artifact.name)}:${artifact.tag}`;
}

/**
 * What the guard did with `effect`, once executed, as timeline lines: read against the guard's `snapshot`
 * after its run and what GitHub now records for the repository `full` and the release PR's head `sha`.
 */
export function describeEffect(
  effect: Effect,
  snapshot: GuardSnapshot,
  github: GitHubControl,
  release: { full: string; sha: string },
): string[] {
  const { full } = release;
  switch (effect.type) {
    case 'SET_STATUS':
      return [`status "${effect.context}" -> ${effect.state}: ${effect.description}`];
    case 'START_RELEASE': {
      const run = releaseRunOf(github, full, release.sha);
      return [
        `starts the release: dispatches ${RELEASE_WORKFLOW}${run ? `, run ${run.id} "${run.displayTitle.slice(0, 21)}…"` : ''}`,
      ];
    }
    case 'VERIFY_ARTIFACTS':
      return effect.artifacts.map(({ name, ref }) => {
        const found = snapshot.verified.find((v) => v.name === name);
        return found
          ? `finds ${name} ${ref} in the registry (${short(found.digest, 19)})`
          : `does not find ${name} ${ref}: ${snapshot.failure ?? 'missing'}`;
      });
    case 'MERGE': {
      const pr = github.pullRequest(full, effect.pr);
      const outcome = pr.merged
        ? `merged by ${pr.mergedBy?.login}`
        : `refused: ${snapshot.merge.rejection ?? snapshot.merge.state}`;
      return [`merges #${effect.pr} if its head is still ${short(effect.sha)}: ${outcome}`];
    }
    case 'ALERT':
      return [`ALERT: ${effect.reason}`];
    case 'DEQUEUE':
      return [`takes #${effect.pr} out of the merge queue at ${short(effect.sha)}`];
    case 'COMMENT':
      return [];
  }
}
