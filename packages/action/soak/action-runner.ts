import { createOctokit } from '@release-guard/github-adapter';
import type { GitHubEmulator, Registry, WebhookDelivery } from '@release-guard/testkit';
import { type ActionLog, run } from '../src/api.js';
import { Interleaving, type Transport } from './interleave.js';
import type { Oracle } from './oracle.js';
import type { Random } from './random.js';
import { GUARD_TOKEN, MERGE_TOKEN, REGISTRY_HOST, type Setup } from './setup.js';
import type { SoakReport } from './types.js';

/**
 * Runs the action on a delivery as a workflow would: `run()` with the lifecycle's inputs, its clients'
 * requests going through the seeded interleaving (a burst of copies at once, in an order drawn from the
 * lifecycle's second stream), to the emulated GitHub and to the registry (the emulated one, or one that
 * lies). What each run returned is traced and handed to the oracle, and so is what the burst sent.
 */

const quietLog: ActionLog = {
  info: () => {},
  notice: () => {},
  warning: () => {},
  error: () => {},
  group: (_name, fn) => fn(),
};

export class ActionRunner {
  private readonly interleaving: Interleaving;
  /** The merge groups' commits that stood at any request of the lifecycle's runs (for `lyingGroups`). */
  private readonly groupsSeen = new Set<string>();

  constructor(
    private readonly setup: Setup,
    private readonly github: GitHubEmulator,
    registry: Registry,
    order: Random,
    private readonly now: () => Date,
    private readonly oracle: Oracle,
    private readonly report: SoakReport,
    private readonly trace: (line: string) => void,
  ) {
    this.interleaving = new Interleaving(
      (count) => order.int(0, count - 1),
      setup.lyingRegistry ? lyingFetch : toRegistry(registry),
    );
  }

  /** `copies` runs of the action on `event` at once; the requests they sent are judged once, together. */
  async burst(event: WebhookDelivery, copies: number): Promise<void> {
    const mark = this.oracle.mark();
    const sent = this.interleaving.sent.length;
    await this.interleaving.all(copies, (transport) => this.runOnce(event, transport));
    if (copies > 1) {
      const order = this.interleaving.sent.slice(sent).map((label) => label.split(':')[0]);
      this.trace(`  ${copies} runs interleaved: ${order.join(' ')}`);
    }
    this.oracle.judgeBurst(mark, event, copies);
  }

  private async runOnce(event: WebhookDelivery, transport: Transport): Promise<void> {
    this.report.events++;
    try {
      const result = await run(
        this.setup.inputs,
        {
          eventName: event.name,
          payload: event.payload,
          repository: { owner: this.setup.repo.owner, repo: this.setup.repo.name },
          run: { id: 1, attempt: 1 },
        },
        {
          octokit: this.client(GUARD_TOKEN, transport),
          mergeOctokit: this.client(MERGE_TOKEN, transport),
          now: this.now,
          registries: { fetch: transport.registryFetch },
        },
        quietLog,
      );
      this.oracle.judgeRun(event, result);
      for (const failure of result.failures) this.trace(`  ${event.name} -> step fails: ${failure}`);
      for (const { number, result: r } of result.pullRequests) {
        const effects = r.effects.map(({ effect }) => effect.type).join(',');
        this.trace(
          `  ${event.name} -> #${number} ${r.snapshot.phase} [${effects}]${r.ignored.length ? ` ignored: ${r.ignored.join('; ')}` : ''}`,
        );
      }
    } catch (error) {
      this.trace(`  ${event.name} -> error: ${(error as Error).message}`);
      this.report.failedRuns++;
    }
  }

  /** An Octokit for `token` whose requests go through `transport`. */
  private client(token: string, transport: Transport) {
    const octokit = createOctokit({
      token,
      baseUrl: this.github.url,
      throttle: false,
      retries: 2,
      retryBaseMs: 1,
      fetch: transport.fetch,
    });
    if (this.setup.lyingGroups) this.lieOnGroups(octokit);
    return transport.watch(octokit);
  }

  /**
   * The planted fault `lyingGroups`: every `release` status the guard writes on a merge group says success,
   * destroyed groups included (the guard may have taken the pull request out before it judges the group).
   */
  private lieOnGroups(octokit: ReturnType<typeof createOctokit>): void {
    const seen = this.groupsSeen;
    octokit.hook.before('request', (options) => {
      for (const group of this.github.control.mergeQueue(this.setup.full, 'main')?.groups ?? [])
        seen.add(group.headSha);
      const sha = /\/statuses\/([0-9a-f]{40})$/.exec(String(options.url))?.[1] ?? String(options.sha ?? '');
      if (options.method === 'POST' && options.context === 'release' && seen.has(sha)) options.state = 'success';
    });
  }
}

/** A registry transport that sends what is addressed to `REGISTRY_HOST` to the emulated registry. */
function toRegistry(registry: Registry): typeof fetch {
  const from = `http://${REGISTRY_HOST}/`;
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    return fetch(url.startsWith(from) ? `http://${registry.host}/${url.slice(from.length)}` : url, init);
  };
}

/** A registry transport that says every manifest exists. */
const lyingFetch: typeof fetch = async () =>
  new Response(null, {
    status: 200,
    headers: {
      'content-type': 'application/vnd.oci.image.index.v1+json',
      'docker-content-digest': `sha256:${'0'.repeat(64)}`,
    },
  });
