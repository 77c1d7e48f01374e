/**
 * The chart workflow, run by the push to main a merge makes: release-guard's gate first when the
 * scenario has it (the chart goes out only once the image it runs exists), then the Helm chart's push.
 */
import { gate } from '@release-guard/action';
import type { GuardConfig } from '@release-guard/core';
import type { RegistryControl } from '@release-guard/testkit';
import { refTail, short, shortChart, shortImage } from './narration.js';
import { CHART_NAME, CHART_VERSION, HEAD_REF, HEAD_SHA, type Scenario, VERSION, versionsOf } from './scenario.js';

/** Puts a line on the timeline as the chart workflow, at `when` or else now. */
export type ChartLog = (what: string, when?: Date) => void;

export async function chartWorkflow(
  scenario: Scenario,
  config: GuardConfig,
  registry: RegistryControl,
  log: ChartLog,
): Promise<void> {
  const gated = scenario.chartGate ?? scenario.guarded;
  const versions = versionsOf(HEAD_REF);
  if (gated) {
    const result = await gate({ config, artifact: 'chart', versions });
    const image = result.predecessors.find((p) => p.name === 'image');
    if (!result.open) {
      log(`gate closed: ${image?.reason ?? 'a predecessor is missing'}; the chart is not pushed`);
      return;
    }
    log(`gate open: ${image ? refTail(image.ref) : 'every predecessor'} exists`);
  }
  const { digest } = await registry.pushChart(CHART_NAME, CHART_VERSION, { appVersion: VERSION, revision: HEAD_SHA });
  const push = registry.pushes().find((p) => p.name === CHART_NAME && p.tag === CHART_VERSION);
  log(`pushes chart ${shortChart()} (${short(digest, 19)}), which runs ${shortImage()}`, push?.at);
}
