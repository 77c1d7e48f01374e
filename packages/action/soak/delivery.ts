import type { WebhookDelivery } from '@release-guard/testkit';
import type { Faults } from './faults.js';
import type { Oracle } from './oracle.js';
import type { Random } from './random.js';
import type { ScriptedStep, SoakReport } from './types.js';

/**
 * GitHub's delivery of a lifecycle's events, as it sometimes goes: 10% dropped, 10% held back behind the
 * next one, 15% duplicated, 20% handed to a burst of 2 to 8 runs at once (under a script: every delivery to
 * one run, none lost but those the script loses). Before each delivery's runs a fault may be armed; after
 * them, the oracle judges the status standing on the head.
 */
export class Delivery {
  private held: WebhookDelivery[] = [];

  constructor(
    private readonly random: Random,
    private readonly report: SoakReport,
    private readonly faults: Faults,
    private readonly oracle: Oracle,
    /** `copies` runs of the action on `event` at once. */
    private readonly burst: (event: WebhookDelivery, copies: number) => Promise<void>,
    private readonly trace: (line: string) => void,
    /** The step of the script being played, when a script is. */
    private readonly scripted: (() => ScriptedStep | undefined) | undefined,
  ) {}

  async deliver(event: WebhookDelivery): Promise<void> {
    if (this.scripted) {
      const step = this.scripted();
      if (step?.fault) this.faults.arm(step.fault);
      if (!step?.lost) return this.handle([event], 1);
      this.report.dropped++;
      this.trace(`  ${event.name} delivery lost`);
      return;
    }
    if (this.random.chance(0.1)) {
      this.report.dropped++;
      return;
    }
    if (this.random.chance(0.1)) {
      this.report.reordered++;
      this.held.push(event);
      return;
    }
    const batch = [...this.held.splice(0).reverse(), event].reverse();
    let copies = 1;
    if (this.random.chance(0.15)) {
      this.report.duplicated++;
      copies = 2;
    } else if (this.random.chance(0.2)) {
      this.report.concurrentBursts++;
      copies = this.random.int(2, 8);
    }
    await this.handle(batch, copies);
  }

  /** The deliveries still held back, each to one run, at the end of the lifecycle's steps. */
  async flush(): Promise<void> {
    for (const held of this.held.splice(0)) await this.handle([held], 1);
  }

  /** Each delivery of the batch in order; `copies` runs of it at once (runs on the same pull request racing). */
  private async handle(batch: readonly WebhookDelivery[], copies: number): Promise<void> {
    for (const event of batch) {
      this.faults.draw();
      await this.burst(event, copies);
      this.oracle.judgeDelivery();
    }
  }
}
