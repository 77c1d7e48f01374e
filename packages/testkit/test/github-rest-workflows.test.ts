/** The REST workflow operations: dispatches (with and without run details), runs got and listed, cancellation. */

import { describe, expect, it } from 'vitest';
import { freshRepo, SHA, useGitHub } from './support/github.js';

const { github, octokit } = useGitHub();

describe('workflows', () => {
  it('a dispatch creates a queued run; return_run_details answers its id; runs get and list', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    github().control.addWorkflow(full, {
      path: '.github/workflows/release.yaml',
      name: 'release',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template.
      runName: 'release ${{ inputs.sha }}',
      inputs: { sha: { required: true } },
    });
    const api = octokit();
    const plain = await api.rest.actions.createWorkflowDispatch({
      owner,
      repo,
      workflow_id: 'release.yaml',
      ref: 'releases/v1',
      inputs: { sha: SHA.a },
    });
    expect(plain.status).toBe(204);
    const detailed = await api.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      owner,
      repo,
      workflow_id: 'release.yaml',
      ref: 'releases/v1',
      inputs: { sha: SHA.a },
      return_run_details: true,
    });
    expect(detailed.status).toBe(200);
    const runId = (detailed.data as { workflow_run_id: number }).workflow_run_id;
    const run = await api.rest.actions.getWorkflowRun({ owner, repo, run_id: runId });
    expect(run.data).toMatchObject({
      status: 'queued',
      head_sha: SHA.a,
      display_title: `release ${SHA.a}`,
      event: 'workflow_dispatch',
    });
    github().control.updateRun(full, runId, { status: 'completed', conclusion: 'success' });
    const listed = await api.rest.actions.listWorkflowRuns({
      owner,
      repo,
      workflow_id: 'release.yaml',
      head_sha: SHA.a,
    });
    expect(listed.data.total_count).toBe(2);
    expect(listed.data.workflow_runs[0]).toMatchObject({ id: runId, conclusion: 'success' });
    expect((await api.rest.actions.listWorkflowRunsForRepo({ owner, repo, status: 'success' })).data.total_count).toBe(
      1,
    );
    await expect(
      api.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id: 'nope.yaml', ref: 'main' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('a run that has not completed can be cancelled (202); a completed one cannot (409)', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    github().control.addWorkflow(full, { path: '.github/workflows/release.yaml', name: 'release' });
    const api = octokit();
    const { data } = await api.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      owner,
      repo,
      workflow_id: 'release.yaml',
      ref: 'releases/v1',
      return_run_details: true,
    });
    const run_id = (data as { workflow_run_id: number }).workflow_run_id;
    expect((await api.rest.actions.cancelWorkflowRun({ owner, repo, run_id })).status).toBe(202);
    expect(github().control.runs(full)[0]).toMatchObject({ status: 'completed', conclusion: 'cancelled' });
    await expect(api.rest.actions.cancelWorkflowRun({ owner, repo, run_id })).rejects.toMatchObject({ status: 409 });
  });

  it('refuses, as GitHub does, a dispatch with an input the workflow does not declare or without a required one', async () => {
    const { owner, repo, full } = freshRepo(github());
    github().control.openPullRequest(full, { head: { ref: 'releases/v1', sha: SHA.a } });
    github().control.addWorkflow(full, {
      path: '.github/workflows/release.yaml',
      name: 'release',
      inputs: { sha: { required: true }, version: {} },
    });
    github().control.addWorkflow(full, { path: '.github/workflows/plain.yaml', name: 'plain' });
    const api = octokit();
    const dispatch = (workflow_id: string, inputs: Record<string, string>) =>
      api.rest.actions.createWorkflowDispatch({ owner, repo, workflow_id, ref: 'releases/v1', inputs });
    await expect(dispatch('release.yaml', { sha: SHA.a, versoin: 'v1' })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: 'Unexpected inputs provided: ["versoin"]' } },
    });
    await expect(dispatch('release.yaml', { version: 'v1' })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: "Required input 'sha' not provided" } },
    });
    await expect(dispatch('plain.yaml', { sha: SHA.a })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: 'Unexpected inputs provided: ["sha"]' } },
    });
    expect(github().control.runs(full)).toEqual([]);
    expect((await dispatch('release.yaml', { sha: SHA.a })).status).toBe(204);
    expect((await dispatch('release.yaml', { sha: SHA.a, version: 'v1' })).status).toBe(204);
    expect((await dispatch('plain.yaml', {})).status).toBe(204);
  });
});
