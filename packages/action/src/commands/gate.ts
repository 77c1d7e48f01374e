/**
 * The `gate` command: a step of the release job, before an artifact is published, that fails while any
 * artifact it comes after (`after`) is missing from its registry. It guards no pull request.
 */
import { PRESETS } from '@release-guard/core';
import { versionOfBranch } from '@release-guard/github-adapter';
import { gate } from '../gate.js';
import type { ActionResult, CommandDeps } from '../run.js';
import { InputError, NO_OUTPUTS } from '../shared.js';
import { renderGateSummary } from '../summary.js';

export async function checkGate({ inputs, context, clients, log }: CommandDeps): Promise<ActionResult> {
  const artifact = inputs.artifact;
  if (!artifact) throw new InputError('artifact', 'required by command gate: the name of the artifact to publish');
  const source = inputs.config.versionSource ?? PRESETS[inputs.config.preset ?? 'releases'].versionSource;
  if (inputs.version === undefined && source !== 'branch') {
    // The branch of such a release pull request (`release-please--branches--main`) names no version.
    throw new InputError(
      'version',
      'required by command gate when the version is not read from the branch (version-source): ' +
        'give the release version, e.g. the version input of the dispatched release workflow',
    );
  }
  const version = inputs.version ?? versionOfBranch(context.refName ?? '').version;
  const result = await log.group(`release-guard: gate for ${artifact}`, () =>
    gate({
      config: inputs.config,
      artifact,
      versions: version ? { version } : {},
      ...(clients.registries ? { registries: clients.registries } : {}),
    }),
  );
  if (inputs.requireRevision) {
    // On a push to main the released commit is unknown, and a chart may point at an earlier release's image.
    log.info('require-revision: not checked by the gate, which checks that each predecessor exists');
  }
  for (const p of result.predecessors) {
    log.info(`${p.present ? 'present' : 'missing'}: ${p.name} ${p.ref}${p.reason ? ` (${p.reason})` : ''}`);
  }
  const failures = result.open
    ? []
    : [
        `the gate for ${artifact} is closed: ${result.predecessors
          .filter((p) => !p.present)
          .map((p) => `${p.name}: ${p.reason ?? `${p.ref} is missing`}`)
          .join('; ')}`,
      ];
  return {
    outputs: { ...NO_OUTPUTS, version: version ?? '' },
    summary: renderGateSummary(artifact, result),
    failures,
    pullRequests: [],
  };
}
