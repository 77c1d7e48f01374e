import type { Octokit } from '@release-guard/github-adapter';

/**
 * A seeded scheduler for runs of the action that share the emulators: the runs go concurrently, but their
 * requests reach GitHub and the registry one at a time, in an order drawn from the generator, so how a burst
 * of runs interleaves is a function of the seed, not of timing.
 *
 * Every request of a run goes through its `Transport`: Octokit's `request.fetch` and the registry's `fetch`.
 * A request is held (parked) until every run still going is waiting on the gate: each of its Octokit
 * requests parked (not in a retry's back-off, not parsing an answer) and at least one of them. Only then is
 * one parked request drawn and sent, its whole answer read before the next is drawn. Between two draws the
 * runs only compute (answers are buffered, so reading one takes no I/O), and the state of every run when
 * the next is drawn follows from the answers so far: the same seed draws the same requests in the same order.
 * A run with nothing parked and not finished is computing or waiting on a timer; the gate waits for it.
 */
export class Interleaving {
  private runs: RunState[] = [];
  private sending = false;
  private scheduled = false;
  private parkedSoFar = 0;

  /**
   * @param draw an integer in [0, n) for n parked requests (a generator of the lifecycle's).
   * @param registry how registry requests are sent once drawn (default `fetch`).
   */
  constructor(
    private readonly draw: (n: number) => number,
    private readonly registry: typeof fetch = fetch,
  ) {}

  /** Every request sent through the gate, as `run:METHOD path`, in the order sent. */
  readonly sent: string[] = [];

  /** Runs `count` bodies at once, each with a transport of its own; resolves with their outcomes in order. */
  async all<T>(
    count: number,
    body: (transport: Transport, index: number) => Promise<T>,
  ): Promise<PromiseSettledResult<T>[]> {
    const runs = Array.from({ length: count }, (): RunState => ({ operations: 0, parked: [], done: false }));
    this.runs = runs;
    try {
      return await Promise.allSettled(
        runs.map(async (state, index) => {
          try {
            return await body(this.transport(state, index), index);
          } finally {
            state.done = true;
            this.wake();
          }
        }),
      );
    } finally {
      this.runs = [];
    }
  }

  private transport(state: RunState, index: number): Transport {
    // `operation`: an Octokit request, counted by `watch`; otherwise (a registry request) counted here.
    const gated =
      (operation: boolean, send: typeof fetch): typeof fetch =>
      (input, init) =>
        new Promise<Response>((resolve, reject) => {
          if (!operation) state.operations++;
          const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
          const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
          state.parked.push({
            seq: this.parkedSoFar++,
            label: `${index}:${method.toUpperCase()} ${new URL(url).pathname}`,
            go: async () => {
              try {
                // The signal is left out: a request held at the gate must not time out by the clock.
                const { signal: _signal, ...rest } = init ?? {};
                const answer = await send(input, rest);
                resolve(await buffered(answer));
              } catch (error) {
                reject(error);
              } finally {
                if (!operation) state.operations--;
              }
            },
          });
          this.wake();
        });
    return {
      fetch: gated(true, fetch),
      registryFetch: gated(false, this.registry),
      watch: (octokit) => {
        // Outermost wrap: an Octokit request counts from its call to its answer, retries and back-offs included.
        octokit.hook.wrap('request', async (request, options) => {
          state.operations++;
          try {
            return await request(options);
          } finally {
            state.operations--;
            this.wake();
          }
        });
        return octokit;
      },
    };
  }

  /** Looks again once the microtasks queued so far have run. */
  private wake(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.next();
    });
  }

  private next(): void {
    if (this.sending) return;
    const live = this.runs.filter((r) => !r.done);
    if (live.length === 0) return;
    if (!live.every((r) => r.parked.length > 0 && r.parked.length === r.operations)) return;
    // Parked requests in a canonical order: by run, then in the order each run parked them.
    const parked = live.flatMap((r) => [...r.parked].sort((a, b) => a.seq - b.seq).map((p) => ({ r, p })));
    const { r, p } = parked[this.draw(parked.length)]!;
    r.parked.splice(r.parked.indexOf(p), 1);
    this.sending = true;
    this.sent.push(p.label);
    void p.go().finally(() => {
      this.sending = false;
      this.wake();
    });
  }
}

/** What one run talks through. */
export interface Transport {
  /** Octokit's `request.fetch`. */
  fetch: typeof fetch;
  /** The registries' `fetch`. */
  registryFetch: typeof fetch;
  /** Counts the Octokit's requests from call to answer (retries included); returns it. */
  watch<T extends Octokit>(octokit: T): T;
}

interface RunState {
  /** Requests of the run in progress: Octokit requests from call to answer, registry requests until answered. */
  operations: number;
  parked: Parked[];
  done: boolean;
}

interface Parked {
  seq: number;
  label: string;
  go: () => Promise<void>;
}

/** The answer with its body read into memory: reading it again takes no I/O. */
async function buffered(answer: Response): Promise<Response> {
  const body = await answer.arrayBuffer();
  const empty = [101, 204, 205, 304].includes(answer.status);
  const copy = new Response(empty ? null : body, {
    status: answer.status,
    statusText: answer.statusText,
    headers: answer.headers,
  });
  Object.defineProperty(copy, 'url', { value: answer.url });
  return copy;
}
