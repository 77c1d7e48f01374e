import type { Standing } from './standing.js';

/**
 * The epochs of the release pull request, as the oracle counts them: a reopen starts a new one once a run of
 * the guard saw the close (approvals and releases given before it no longer count), and the release runs of
 * the guard left going or successful per SHA, beyond the first, within one epoch and across epochs.
 */

type Run = ReturnType<Standing['guardRuns']>[number];

export class Epochs {
  /** Reviews and runs up to these ids belong to an earlier epoch: they do not release the current one. */
  reviewFloor = 0;
  runFloor = 0;
  /** The highest run id at each reopen: a run above the n-th floor belongs to epoch n or later. */
  private readonly floors: number[] = [];
  /** Whether a run of the guard saw the pull request closed since the last close. */
  private guardSawClosed = false;

  constructor(private readonly standing: Standing) {}

  closed(): void {
    this.guardSawClosed = false;
  }

  sawClosed(): void {
    this.guardSawClosed = true;
  }

  /**
   * The pull request was just reopened: a new epoch, only if a run of the guard saw it closed (otherwise,
   * every delivery of the close lost or read when GitHub already showed it open again, nothing ended the
   * epoch the guard is in). Its floors are what stands on GitHub now.
   */
  reopened(): void {
    if (!this.guardSawClosed) return;
    this.reviewFloor = Math.max(0, ...this.standing.pullRequest().reviews.map((r) => r.id));
    this.runFloor = Math.max(0, ...this.standing.allRuns().map((r) => r.id));
    this.floors.push(this.runFloor);
  }

  /** Of `runs`, those beyond the first of their SHA within an epoch (`duplicates`), and across epochs only (`again`). */
  excess(runs: readonly Run[]): { duplicates: number; again: number } {
    const perEpoch = new Map<string, number>();
    const perSha = new Map<string, number>();
    for (const r of runs) {
      const epoch = this.floors.filter((floor) => r.id > floor).length;
      perEpoch.set(`${epoch}:${r.headSha}`, (perEpoch.get(`${epoch}:${r.headSha}`) ?? 0) + 1);
      perSha.set(r.headSha, (perSha.get(r.headSha) ?? 0) + 1);
    }
    const beyondFirst = (counts: Map<string, number>) =>
      [...counts.values()].reduce((sum, count) => sum + Math.max(0, count - 1), 0);
    const duplicates = beyondFirst(perEpoch);
    return { duplicates, again: beyondFirst(perSha) - duplicates };
  }
}
