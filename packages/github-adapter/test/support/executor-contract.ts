import type { EffectExecutor } from '@release-guard/github-adapter';
import { beforeEach, describe, expect, it } from 'vitest';

/** What the contract needs to arrange and inspect around one executor. */
export interface ExecutorHarness {
  /**
   * A fresh pull request at `head`, protected by `requiredContexts`, into a base that merges through a
   * merge queue when `mergeQueue`, and an executor for it.
   */
  create(options: { head: string; requiredContexts?: string[]; mergeQueue?: boolean }): Promise<EffectExecutor>;
  /** The head SHA standing in the merge queue, if any. */
  queued(): string | undefined;
  pushHead(sha: string): void;
  mergeByHand(by: string): void;
  failRun(sha: string): void;
  statusWrites(sha: string): { state: string; description: string }[];
  runs(): number;
  merged(): { sha: string; by: string } | undefined;
  mergeRequests(): number;
  /** A reference to an artifact this executor's registries can hold. */
  artifactRef(tag: string): string;
  /** Puts the artifact in its registry. */
  publish(ref: string): Promise<void>;
}

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const status = (state: 'pending' | 'success' | 'failure', description: string, sha = A) =>
  ({ type: 'SET_STATUS', sha, state, description, context: 'release' }) as const;

/** The behaviour every effect executor must have: run it for the GitHub executor and the in-memory one. */
export function executorContract(name: string, harness: () => ExecutorHarness): void {
  describe(`effect executor contract: ${name}`, () => {
    let h: ExecutorHarness;
    beforeEach(() => {
      h = harness();
    });

    it('SET_STATUS writes a status only when it changes', async () => {
      const executor = await h.create({ head: A });
      expect(await executor.execute(status('pending', 'Locked'))).toEqual([]);
      await executor.execute(status('pending', 'Locked'));
      await executor.execute(status('success', 'Released'));
      expect(h.statusWrites(A)).toEqual([
        { state: 'pending', description: 'Locked' },
        { state: 'success', description: 'Released' },
      ]);
    });

    it('START_RELEASE starts one run per SHA, reports it, and starts another after a failure', async () => {
      const executor = await h.create({ head: A });
      const [first] = await executor.execute({ type: 'START_RELEASE', sha: A, version: 'v1' });
      const [again] = await executor.execute({ type: 'START_RELEASE', sha: A, version: 'v1' });
      expect(first).toMatchObject({ type: 'RELEASE_STARTED', sha: A });
      expect(again).toEqual(first);
      expect(h.runs()).toBe(1);
      h.failRun(A);
      const [retry] = await executor.execute({ type: 'START_RELEASE', sha: A, version: 'v1' });
      expect(retry).toMatchObject({ type: 'RELEASE_STARTED', sha: A });
      expect(retry).not.toEqual(first);
      expect(h.runs()).toBe(2);
    });

    it('MERGE of the head merges it', async () => {
      const executor = await h.create({ head: A });
      expect(await executor.execute({ type: 'MERGE', pr: 1, sha: A, method: 'merge', via: 'merge' })).toEqual([
        { type: 'MERGED', sha: A, by: 'release-guard[bot]' },
      ]);
      expect(h.merged()).toEqual({ sha: A, by: 'release-guard[bot]' });
    });

    it('MERGE of a SHA that is no longer the head is refused: head-changed, nothing merged', async () => {
      const executor = await h.create({ head: A });
      h.pushHead(B);
      const [answer] = await executor.execute({ type: 'MERGE', pr: 1, sha: A, method: 'merge', via: 'merge' });
      expect(answer).toMatchObject({ type: 'MERGE_REJECTED', sha: A, reason: 'head-changed' });
      expect(h.merged()).toBeUndefined();
    });

    it('MERGE blocked by a required context is refused: not-mergeable, naming it', async () => {
      const executor = await h.create({ head: A, requiredContexts: ['build'] });
      const [answer] = await executor.execute({ type: 'MERGE', pr: 1, sha: A, method: 'merge', via: 'merge' });
      expect(answer).toMatchObject({
        type: 'MERGE_REJECTED',
        reason: 'not-mergeable',
        message: expect.stringContaining('build'),
      });
      expect(h.merged()).toBeUndefined();
    });

    it('MERGE of a pull request someone already merged reports that merge, and merges nothing', async () => {
      const executor = await h.create({ head: A });
      h.mergeByHand('releaser');
      expect(await executor.execute({ type: 'MERGE', pr: 1, sha: A, method: 'merge', via: 'merge' })).toEqual([
        { type: 'MERGED', sha: A, by: 'releaser' },
      ]);
      expect(h.merged()).toEqual({ sha: A, by: 'releaser' });
    });

    it('MERGE into a base that merges through its queue is refused as merge-queue; via the queue it enqueues the head', async () => {
      const executor = await h.create({ head: A, requiredContexts: ['release'], mergeQueue: true });
      await executor.execute(status('success', 'Released and verified'));
      const [direct] = await executor.execute({ type: 'MERGE', pr: 1, sha: A, method: 'merge', via: 'merge' });
      expect(direct).toMatchObject({ type: 'MERGE_REJECTED', sha: A, reason: 'merge-queue' });
      expect(direct?.type === 'MERGE_REJECTED' && direct.message).toMatch(/merge queue/);
      expect(await executor.execute({ type: 'MERGE', pr: 1, sha: A, method: 'merge', via: 'queue' })).toEqual([
        { type: 'ENQUEUED', sha: A },
      ]);
      expect(h.queued()).toBe(A);
      expect(h.merged()).toBeUndefined();
    });

    it('MERGE via the queue of a SHA that is no longer the head is refused: head-changed, nothing queued', async () => {
      const executor = await h.create({ head: A, mergeQueue: true });
      h.pushHead(B);
      const [answer] = await executor.execute({ type: 'MERGE', pr: 1, sha: A, method: 'merge', via: 'queue' });
      expect(answer).toMatchObject({ type: 'MERGE_REJECTED', sha: A, reason: 'head-changed' });
      expect(h.queued()).toBeUndefined();
    });

    it('MERGE via the queue blocked by a required context is refused: not-mergeable, naming it', async () => {
      const executor = await h.create({ head: A, requiredContexts: ['release'], mergeQueue: true });
      const [answer] = await executor.execute({ type: 'MERGE', pr: 1, sha: A, method: 'merge', via: 'queue' });
      expect(answer).toMatchObject({ type: 'MERGE_REJECTED', reason: 'not-mergeable' });
      expect(answer?.type === 'MERGE_REJECTED' && answer.message).toContain('release');
      expect(h.queued()).toBeUndefined();
    });

    it('DEQUEUE takes the pull request out of the queue, and is nothing when it is out already', async () => {
      // The group waits for `release` on its own commit, so the pull request stays queued.
      const executor = await h.create({ head: A, requiredContexts: ['release'], mergeQueue: true });
      await executor.execute(status('success', 'Released and verified'));
      await executor.execute({ type: 'MERGE', pr: 1, sha: A, method: 'merge', via: 'queue' });
      expect(h.queued()).toBe(A);
      expect(await executor.execute({ type: 'DEQUEUE', pr: 1, sha: A })).toEqual([]);
      expect(h.queued()).toBeUndefined();
      expect(await executor.execute({ type: 'DEQUEUE', pr: 1, sha: A })).toEqual([]);
    });

    it('VERIFY_ARTIFACTS answers per artifact: verified with its digest, or missing with the reason', async () => {
      const executor = await h.create({ head: A });
      const present = h.artifactRef('v1.0.0');
      const absent = h.artifactRef('v9.9.9');
      await h.publish(present);
      const events = await executor.execute({
        type: 'VERIFY_ARTIFACTS',
        sha: A,
        artifacts: [
          { name: 'image', ref: present },
          { name: 'chart', ref: absent },
        ],
      });
      expect(events).toEqual([
        { type: 'ARTIFACT_VERIFIED', sha: A, name: 'image', digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) },
        { type: 'ARTIFACT_MISSING', sha: A, name: 'chart', reason: expect.stringContaining('manifest unknown') },
      ]);
    });

    it('COMMENT and ALERT are kept for the caller', async () => {
      const executor = await h.create({ head: A });
      await executor.execute({ type: 'COMMENT', pr: 1, body: 'timeline' });
      await executor.execute({ type: 'ALERT', pr: 1, reason: 'bypassed' });
      expect(executor.timelineBody).toBe('timeline');
      expect(executor.alerts).toEqual(['bypassed']);
    });
  });
}
