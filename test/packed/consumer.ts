/**
 * A project of one's own using every entry point of the published packages, as a user writes it after
 * `npm install`: type-checked with `module: nodenext` and run with plain Node by `packed.test.ts`, in a
 * project outside the workspace where the packages are the packed tarballs. It prints one line per entry
 * point that worked, and exits non-zero when one did not.
 */
import { createGuard, type Effect, GuardConfigError, type Phase, type PullRequest } from '@release-guard/core';
import { eventSequence, runEvents } from '@release-guard/core/testing';
import { createOctokit, githubExecutor, memoryExecutor, memoryWorld } from '@release-guard/github-adapter';
import { startGitHub, startRegistry } from '@release-guard/testkit';
import fc from 'fast-check';

const HEAD = 'a'.repeat(40);
const pr: PullRequest = {
  number: 7,
  headRef: 'releases/v1.2.0',
  headSha: HEAD,
  baseRef: 'main',
  fromFork: false,
  version: 'v1.2.0',
};

try {
  // @ts-expect-error: the types are the guard's, not `any`: there is no such preset.
  createGuard({ preset: 'no-such-tool' });
  throw new Error('@release-guard/core: an unknown preset was accepted');
} catch (error) {
  if (!(error instanceof GuardConfigError)) throw error;
}

const guard = createGuard({ artifacts: [{ name: 'image', ref: 'ghcr.io/acme/app:{version}' }] });
const started = guard.start(pr);
const phase: Phase = started.snapshot.phase;
if (phase !== 'prepared') throw new Error(`@release-guard/core: a release PR starts prepared, not ${phase}`);
const restored = guard.restore(guard.serialize(started.snapshot));
if (restored.headSha !== HEAD) throw new Error('@release-guard/core: the snapshot did not round-trip');
console.log(`@release-guard/core: ${phase}, effects ${started.effects.map((e: Effect) => e.type).join(', ')}`);

const [events = []] = fc.sample(eventSequence({ artifacts: ['image'] }), { numRuns: 1, seed: 1 });
const history = runEvents(guard, pr, events);
console.log(`@release-guard/core/testing: ${history.deliveries.length} deliveries of ${events.length} events`);

const world = memoryWorld(HEAD);
const answers = await memoryExecutor(world, { mergedBy: 'release-bot' }).execute({
  type: 'MERGE',
  pr: pr.number,
  sha: HEAD,
  method: 'merge',
  via: 'merge',
});
if (world.merged?.sha !== HEAD)
  throw new Error(`@release-guard/github-adapter: no merge in memory (${answers[0]?.type})`);

const github = await startGitHub();
const registry = await startRegistry();
try {
  const repo = github.control.createRepository({ owner: 'acme', name: 'app', collaborators: {} });
  github.control.addToken('guard', 'release-guard[bot]');
  github.control.setPermission(repo, 'release-guard[bot]', 'write');
  const number = github.control.openPullRequest(repo, { head: { ref: pr.headRef, sha: HEAD } });
  const octokit = createOctokit({ token: 'guard', baseUrl: github.url, throttle: false, retries: 0 });
  const executor = githubExecutor({
    octokit,
    pr: { owner: 'acme', repo: 'app', number },
    release: { kind: 'dispatch', workflow: 'release.yaml', ref: pr.headRef },
    viewer: 'release-guard[bot]',
  });
  for (const effect of started.effects.filter((e) => e.type === 'SET_STATUS')) await executor.execute(effect);
  const written = github.control.statuses(repo, HEAD, guard.settings.statusContext).map((s) => s.state);
  if (written.join() !== 'pending') throw new Error(`@release-guard/github-adapter: statuses ${written.join()}`);
  github.control.assertNoViolations();
  console.log(`@release-guard/github-adapter: ${guard.settings.statusContext} ${written.join()} on the emulator`);
  console.log(`@release-guard/testkit: GitHub at ${github.url}, a registry at ${registry.url}`);
} finally {
  await Promise.all([github.close(), registry.close()]);
}
