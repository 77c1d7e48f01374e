/**
 * One guard run in plain words, for the job summary: what it did (each executed effect as a sentence,
 * with what the snapshot after the run knows of its outcome) and what the guard waits for next.
 */
import { type Effect, type GuardSnapshot, inertMarkdown, shortSha } from '@release-guard/core';

/** What one executed effect did, in a sentence (Markdown, outside text made inert). */
export function describeDone(effect: Effect, snapshot: GuardSnapshot): string {
  switch (effect.type) {
    case 'SET_STATUS': {
      const where = isGroupCommit(snapshot, effect.sha) ? `merge group ${shortSha(effect.sha)}` : shortSha(effect.sha);
      return `set the \`${inertMarkdown(effect.context, 100)}\` status of ${where} to **${effect.state}**: ${inertMarkdown(effect.description)}`;
    }
    case 'START_RELEASE': {
      const version = effect.version ? ` (${inertMarkdown(effect.version, 100)})` : '';
      const run = snapshot.headSha === effect.sha ? snapshot.release.runId : undefined;
      return run === undefined
        ? `asked for the release of ${shortSha(effect.sha)}${version}`
        : `started release run ${inertMarkdown(run, 100)} of ${shortSha(effect.sha)}${version}`;
    }
    case 'VERIFY_ARTIFACTS':
      return `looked for ${effect.artifacts
        .map((a) => {
          const found = snapshot.verified.find((v) => v.name === a.name);
          const where = `${inertMarkdown(a.name, 100)} (\`${a.ref.replace(/[`\r\n]/g, '')}\`)`;
          return found ? `${where}: found, ${inertMarkdown(found.digest.slice(0, 19))}…` : `${where}: not found`;
        })
        .join('; ')}`;
    case 'MERGE':
      return effect.via === 'queue'
        ? `added ${shortSha(effect.sha)} to the merge queue${outcome(snapshot, effect.sha)}`
        : `merged ${shortSha(effect.sha)} if it was still the head${outcome(snapshot, effect.sha)}`;
    case 'DEQUEUE':
      return `took #${effect.pr} (${shortSha(effect.sha)}) out of the merge queue`;
    case 'COMMENT':
      return 'updated the timeline comment';
    case 'ALERT':
      return `raised an alert: ${inertMarkdown(effect.reason)}`;
  }
}

/** How a merge or enqueue ended, as the snapshot after the run says. */
function outcome(snapshot: GuardSnapshot, sha: string): string {
  if (snapshot.phase === 'merged') {
    const note = snapshot.timeline.findLast((entry) => entry.phase === 'merged' && entry.sha === sha)?.note;
    return note ? `: ${inertMarkdown(note.charAt(0).toLowerCase() + note.slice(1))}` : ': merged';
  }
  if (snapshot.merge.state === 'queued') return ': it is in the queue';
  if (snapshot.merge.state === 'rejected')
    return `: refused (${inertMarkdown(snapshot.merge.rejection ?? 'no reason')})`;
  return '';
}

/** What the guard waits for after this run, in a sentence. */
export function waitsFor(snapshot: GuardSnapshot): string {
  const head = shortSha(snapshot.headSha);
  if (snapshot.kind !== 'release') {
    return snapshot.kind === 'protected'
      ? `nothing from the guard: this pull request changes release-managed files, and stays failed until a push takes them out (${inertMarkdown(snapshot.protection ?? '')})`
      : 'nothing: this pull request is not a release';
  }
  switch (snapshot.phase) {
    case 'prepared':
      return snapshot.pr.versionProblem
        ? `a release version it can read: ${inertMarkdown(snapshot.pr.versionProblem)}`
        : `an approval of ${head} by someone who may approve releases`;
    case 'approved':
      return `the release run of ${head} to start`;
    case 'releasing':
      return snapshot.release.state === 'succeeded'
        ? `the artifacts of ${head} in their registries`
        : `release run ${inertMarkdown(snapshot.release.runId ?? '(not started yet)', 100)} of ${head} to finish`;
    case 'released':
      if (snapshot.approvals.length === 0) return `a new approval of ${head}: the approval was withdrawn`;
      if (snapshot.merge.state === 'queued') return `the merge queue to merge ${head}`;
      if (snapshot.merge.state === 'rejected') return `a merge GitHub accepts: run the sweep or re-run this job`;
      return `the merge of ${head}`;
    case 'failed':
      return `a re-run of the release run, or a new approval of ${head} (see Recovering)`;
    case 'merged':
      return 'nothing: merged';
    case 'closed':
      return 'a reopen: the pull request is closed';
    default:
      return 'nothing';
  }
}

/** Whether `sha` is the commit of a merge group of the pull request (not a head of it). */
export function isGroupCommit(snapshot: GuardSnapshot, sha: string): boolean {
  return (snapshot.groups ?? []).includes(sha);
}
