import { bypassedIncident, failedRelease, guardedIncident, ordinaryPullRequest, render } from './replay.js';

const replays = [guardedIncident(), bypassedIncident(), failedRelease(), ordinaryPullRequest()];
console.log(replays.map(render).join('\n\n'));

const guarded = replays[0];
const blockedAtIncident = guarded?.lines.find((line) => line.at === '11:16')?.merge === 'blocked';
const mergedAfterImage = guarded?.final.phase === 'merged' && guarded.final.violations.length === 0;
console.log(
  `\nWith release-guard the 11:16 merge was ${blockedAtIncident ? 'blocked' : 'NOT blocked'} and the PR was ${
    mergedAfterImage ? 'merged by the bot after the image was verified' : 'NOT merged cleanly'
  }.`,
);
if (!blockedAtIncident || !mergedAfterImage) process.exitCode = 1;
