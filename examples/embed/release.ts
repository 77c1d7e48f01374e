import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOT, damagedState, endToEnd, render } from './story.js';

const dir = await mkdtemp(join(tmpdir(), 'release-guard-embed-'));
try {
  const [first, second] = [join(dir, 'end-to-end'), join(dir, 'damaged')];
  await Promise.all([mkdir(first), mkdir(second)]);
  const stories = [await endToEnd(first), await damagedState(second)];
  console.log(stories.map(render).join('\n\n'));

  const [release, damaged] = stories;
  const refusedByHand = release?.entries.filter((e) => e.kind === 'merge-by-hand').every((e) => !e.merged) ?? false;
  const mergedByBot = stories.every((s) => s.ctx.host.world.merged?.by === BOT);
  const refusedDamaged = damaged?.entries.some((e) => e.kind === 'refused') ?? false;
  console.log(
    `\nMerges by hand before the release: ${refusedByHand ? 'refused' : 'NOT refused'}. ` +
      `Damaged state: ${refusedDamaged ? 'refused, then rebuilt from the code host' : 'NOT refused'}. ` +
      `Both release PRs ${mergedByBot ? `merged by ${BOT} after the image was verified` : 'were NOT merged by the bot'}.`,
  );
  if (!refusedByHand || !mergedByBot || !refusedDamaged) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
