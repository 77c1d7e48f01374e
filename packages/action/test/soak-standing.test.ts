import { createOctokit } from '@release-guard/github-adapter';
import {
  type GitHubEmulator,
  type Registry,
  startGitHub,
  startRegistry,
  workflowRunEvent,
} from '@release-guard/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generator } from '../soak/random.js';
import { emptyReport } from '../soak/report.js';
import { GUARD_TOKEN, MALLORY, type Setup, setUp, WORKFLOW } from '../soak/setup.js';
import { Standing } from '../soak/standing.js';

/** What the soak's oracle judges by: read from the emulators alone, not from what the harness did. */
describe('the soak reads what stands on the emulators', () => {
  let clock = Date.parse('2023-08-01T09:00:00Z');
  let github: GitHubEmulator;
  let registry: Registry;
  let setup: Setup;

  beforeEach(async () => {
    const now = () => new Date(clock);
    github = await startGitHub({ now });
    registry = await startRegistry({ now });
    const options = { seed: 1, lifecycles: 1, script: { steps: [] } };
    setup = setUp(1, generator(1), github.control, options, emptyReport(1, 1, undefined));
  });

  afterEach(async () => {
    await github.close();
    await registry.close();
  });

  /** A run of the release workflow dispatched by the guard's token for the release head. */
  async function dispatch() {
    const guard = createOctokit({ token: GUARD_TOKEN, baseUrl: github.url, throttle: false, retries: 0 });
    await guard.rest.actions.createWorkflowDispatch({
      owner: setup.repo.owner,
      repo: setup.repo.name,
      workflow_id: 'release.yaml',
      ref: setup.head.ref,
      inputs: { sha: setup.head.sha, version: 'v1.0.0' },
    });
    return github.control.runs(setup.full).at(-1)!;
  }

  function complete(id: number) {
    clock += 60_000;
    return github.control.updateRun(setup.full, id, { status: 'completed', conclusion: 'success' });
  }

  it('the guard’s runs are those it dispatched; a delivered success of another run is foreign', async () => {
    const ours = await dispatch();
    const theirs = github.control.startRun(setup.full, {
      workflow: WORKFLOW,
      headSha: setup.head.sha,
      headBranch: `${MALLORY}/ci-1`,
      event: 'push',
      actor: MALLORY,
      title: ours.displayTitle,
    });
    const standing = new Standing(github.control, registry.control, setup);
    expect(ours.displayTitle).toBe(`release-guard ${setup.head.sha} v1.0.0`);
    expect(standing.guardRuns().map((r) => r.id)).toEqual([ours.id]);
    expect(standing.liveRun(setup.head.sha)?.id).toBe(ours.id);
    const delivered = (run: typeof ours) =>
      workflowRunEvent({
        repo: setup.repo,
        runId: run.id,
        workflowName: 'release',
        headSha: run.headSha,
        headBranch: run.headBranch,
        event: run.event,
        conclusion: 'success',
      });
    expect(standing.foreignSuccess(delivered(complete(theirs.id)))).toBe(true);
    expect(standing.foreignSuccess(delivered(complete(ours.id)))).toBe(false);
    expect(standing.releasedSince(setup.head.sha, 0)).toBe(true);
  });

  it('a release is verified when its image stood in the registry as its run completed', async () => {
    const standing = new Standing(github.control, registry.control, setup);
    const early = complete((await dispatch()).id);
    expect(standing.imagePushed()).toBe(false);
    clock += 60_000;
    await registry.control.pushImage(setup.image, setup.version);
    const late = complete((await dispatch()).id);
    expect(standing.imagePushed()).toBe(true);
    expect(standing.verified(early)).toBe(false);
    expect(standing.verified(late)).toBe(true);
    // The guard behind a lying registry saw every image: no release of its failed for want of one.
    expect(new Standing(github.control, registry.control, { ...setup, lyingRegistry: true }).verified(early)).toBe(
      true,
    );
  });
});
