import { createHash } from 'node:crypto';
import {
  createOctokit,
  type EffectExecutor,
  githubExecutor,
  type MemoryWorld,
  memoryExecutor,
  memoryWorld,
  verifyArtifacts,
} from '@release-guard/github-adapter';
import { type GitHubEmulator, type Registry, startGitHub, startRegistry } from '@release-guard/testkit';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type ExecutorHarness, executorContract } from './executor-contract.js';

executorContract('in memory', () => {
  let world: MemoryWorld = memoryWorld('');
  return {
    async create({ head, requiredContexts = [] }): Promise<EffectExecutor> {
      world = memoryWorld(head);
      world.requiredContexts = requiredContexts;
      return memoryExecutor(world, { mergedBy: 'release-bot' });
    },
    pushHead: (sha) => {
      world.head = sha;
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

let github: GitHubEmulator;
let registry: Registry;
beforeAll(async () => {
  github = await startGitHub();
  registry = await startRegistry();
});
afterEach(() => github.control.assertNoViolations());
afterAll(async () => {
  await github.close();
  await registry.close();
});

// biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
const RUN_NAME = 'release-guard ${{ inputs.sha }}';
let count = 0;
executorContract('GitHub (over the emulator)', () => {
  let full = '';
  let number = 0;
  return {
    async create({ head, requiredContexts = [] }): Promise<EffectExecutor> {
      count++;
      const name = `contract-${count}`;
      full = github.control.createRepository({ owner: 'weaveworks', name });
      github.control.addToken('bot', 'release-bot');
      github.control.setPermission(full, 'release-bot', 'write');
      if (requiredContexts.length > 0) github.control.protectBranch(full, 'main', { requiredContexts });
      github.control.addWorkflow(full, {
        path: '.github/workflows/release.yaml',
        name: 'release',
        runName: RUN_NAME,
      });
      number = github.control.openPullRequest(full, { head: { ref: 'releases/v1', sha: head } });
      const octokit = createOctokit({ token: 'bot', baseUrl: github.url, throttle: false, retries: 0 });
      return githubExecutor({
        octokit,
        pr: { owner: 'weaveworks', repo: name, number },
        release: { kind: 'dispatch', workflow: 'release.yaml', ref: 'releases/v1' },
        mergedBy: 'release-bot',
        verifyArtifacts: (effect) => verifyArtifacts(effect),
      });
    },
    pushHead: (sha) => github.control.pushHead(full, number, sha),
    mergeByHand: (by) => {
      github.control.mergeByHand(full, number, by);
    },
    failRun: (sha) => {
      for (const run of github.control.runs(full)) {
        if (run.headSha === sha) github.control.updateRun(full, run.id, { status: 'completed', conclusion: 'failure' });
      }
    },
    statusWrites: (sha) =>
      github.control.statuses(full, sha).map((s) => ({ state: s.state, description: s.description ?? '' })),
    runs: () => github.control.runs(full).length,
    merged: () => {
      const pr = github.control.pullRequest(full, number);
      return pr.merged ? { sha: pr.head.sha, by: pr.mergedBy?.login ?? '' } : undefined;
    },
    mergeRequests: () => github.control.requests(full).filter((r) => r.operation === 'pulls/merge').length,
    artifactRef: (tag) => `${registry.host}/weaveworks/contract-${count}:${tag}`,
    publish: async (ref) => {
      const [name = '', tag = ''] = ref.slice(registry.host.length + 1).split(':');
      await registry.control.pushImage(name, tag);
    },
  } satisfies ExecutorHarness;
});
