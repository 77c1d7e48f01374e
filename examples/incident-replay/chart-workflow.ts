/**
 * The chart workflow, run by the push to main a merge makes: release-guard's gate first when the
 * scenario has it (the chart goes out only once the image it runs exists), then the Helm chart's push.
 */
import { gate } from '@release-guard/action';
import type { GuardConfig } from '@release-guard/core';
import type { RegistryControl } from '@release-guard/testkit';
import { refTail, short, shortArtifact } from './narration.js';
import type { Scenario } from './scenario.js';

/** Puts a line on the timeline as the chart workflow, at `when` or else now. */
export type ChartLog = (what: string, when?: Date) => void;

export async function chartWorkflow(
  scenario: Scenario,
  config: GuardConfig | undefined,
  registry: RegistryControl,
  log: ChartLog,
): Promise<void> {
  const { release, image, chart } = scenario.incident;
  const hasChart = config?.artifacts?.some((a) => a.name === 'chart') ?? false;
  const gated = scenario.chartGate ?? (scenario.guarded && hasChart);
  if (gated) {
    if (!config) throw new Error('the chart workflow gates with the guard configuration, and there is none');
    const result = await gate({ config, artifact: 'chart', versions: release.versions });
    const found = result.predecessors.find((p) => p.name === 'image');
    if (!result.open) {
      log(`gate closed: ${found?.reason ?? 'a predecessor is missing'}; the chart is not pushed`);
      return;
    }
    log(`gate open: ${found ? refTail(found.ref) : 'every predecessor'} exists`);
  }
  const { digest } = await registry.pushChart(chart.name, chart.tag, {
    appVersion: image.tag,
    revision: release.headSha,
  });
  const push = registry.pushes().find((p) => p.name === chart.name && p.tag === chart.tag);
  log(`pushes chart ${shortArtifact(chart)} (${short(digest, 19)}), which runs ${shortArtifact(image)}`, push?.at);
}
