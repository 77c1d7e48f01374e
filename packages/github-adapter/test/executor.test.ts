import { createHash } from 'node:crypto';
import {
  type EffectExecutor,
  githubExecutor,
  type MemoryWorld,
  memoryExecutor,
  memoryWorld,
  verifyArtifacts,
} from '@release-guard/github-adapter';
import { guardRepository, RELEASE_INPUTS, RELEASE_RUN_NAME, useEmulators } from './support/emulators.js';
import { type ExecutorHarness, executorContract } from './support/executor-contract.js';

executorContract('in memory', () => {
  let world: MemoryWorld = memoryWorld('');
  return {
    async create({ head, requiredContexts = [], mergeQueue = false }): Promise<EffectExecutor> {
      world = memoryWorld(head);
      world.requiredContexts = requiredContexts;
      world.mergeQueue = mergeQueue;
      return memoryExecutor(world, { mergedBy: 'release-guard[bot]' });
    },
    queued: () => world.queued,
    pushHead: (sha) => {
      world.head = sha;
      world.queued = undefined;
    },
    mergeByHand: (by) => {
      world.merged = { sha: world.head, by };
    },
    failRun: (sha) => {
      for (const run of world.runs) if (run.sha === sha) run.failed = true;
    },
    statusWrites: (sha) =>
      world.statuses.filter((s) => s.sha === sha).map(({ state, description }) => ({ state, description })),
    runs: () => world.runs.length,
    merged: () => world.merged,
    mergeRequests: () => world.mergeRequests,
    artifactRef: (tag) => `registry.example/weaveworks/wego-app:${tag}`,
    publish: async (ref) => {
      world.registry.set(ref, `sha256:${createHash('sha256').update(ref).digest('hex')}`);
    },
  };
});

const emulators = useEmulators({ registry: true });
executorContract('GitHub (over the emulator)', () => {
  let full = '';
  let number = 0;
  return {
    async create({ head, requiredContexts = [], mergeQueue = false }): Promise<EffectExecutor> {
      const created = guardRepository(emulators.github);
      full = created.full;
      if (requiredContexts.length > 0) emulators.github.control.protectBranch(full, 'main', { requiredContexts });
      if (mergeQueue) emulators.github.control.requireMergeQueue(full, 'main');
      emulators.github.control.addWorkflow(full, {
        path: '.github/workflows/release.yaml',
        name: 'release',
        runName: RELEASE_RUN_NAME,
        inputs: RELEASE_INPUTS,
      });
      number = emulators.github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: head } });
      const { repository } = await created.octokit.graphql<{ repository: { pullRequest: { id: string } } }>(
        'query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) { pullRequest(number: $number) { id } } }',
        { owner: created.repo.owner, name: created.repo.repo, number },
      );
      return githubExecutor({
        merge: { pullRequestId: repository.pullRequest.id },
        octokit: created.octokit,
        pr: { ...created.repo, number },
        release: { kind: 'dispatch', workflow: 'release.yaml', ref: 'releases/v1' },
        mergedBy: 'release-guard[bot]',
        viewer: 'release-guard[bot]',
        verifyArtifacts: (effect) => verifyArtifacts(effect),
      });
    },
    queued: () => emulators.github.control.mergeQueue(full, 'main')?.entries.find((e) => e.number === number)?.headSha,
    pushHead: (sha) => emulators.github.control.pushHead(full, number, sha),
    mergeByHand: (by) => {
      emulators.github.control.mergeByHand(full, number, by);
    },
    failRun: (sha) => {
      for (const run of emulators.github.control.runs(full)) {
        if (run.headSha === sha)
          emulators.github.control.updateRun(full, run.id, { status: 'completed', conclusion: 'failure' });
      }
    },
    statusWrites: (sha) =>
      emulators.github.control.statuses(full, sha).map((s) => ({ state: s.state, description: s.description ?? '' })),
    runs: () => emulators.github.control.runs(full).length,
    merged: () => {
      const pr = emulators.github.control.pullRequest(full, number);
      return pr.merged ? { sha: pr.head.sha, by: pr.mergedBy?.login ?? '' } : undefined;
    },
    mergeRequests: () => emulators.github.control.requests(full).filter((r) => r.operation === 'pulls/merge').length,
    artifactRef: (tag) => `${emulators.registry.host}/weaveworks/${full.split('/')[1]}:${tag}`,
    publish: async (ref) => {
      const [name = '', tag = ''] = ref.slice(emulators.registry.host.length + 1).split(':');
      await emulators.registry.control.pushImage(name, tag);
    },
  } satisfies ExecutorHarness;
});
