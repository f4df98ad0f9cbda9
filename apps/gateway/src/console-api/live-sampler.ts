import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@agora/chassis';
import { CompletedTraces } from './completed-traces.ts';
import type { EdgeFlow, LiveTick } from './contract.ts';
import { CounterDeltas } from './counter-deltas.ts';
import { sampleFlows, type FlowSample, type SampleSources } from './flow-sample.ts';
import { ServedWindows } from './served-window.ts';

export const TICK_MS = 1_000;

/** What the operator changed, read at every tick. */
export type OperatorState = () => Pick<LiveTick, 'traffic' | 'stopped'>;

/**
 * Samples the system once a second while someone watches, and turns cumulative counters into
 * per-edge counts for the window. It runs only between start and stop, so an unwatched console
 * costs nothing; each run takes its own baseline first, so the first tick covers one second and
 * not the counters' whole history.
 */
export class LiveSampler {
  readonly #sources: SampleSources;
  readonly #traces: CompletedTraces;
  readonly #logger: Logger;
  readonly #operator: OperatorState;
  #run: AbortController | undefined;

  constructor(sources: SampleSources, logger: Logger, operator: OperatorState) {
    this.#sources = sources;
    this.#traces = new CompletedTraces(sources.owners);
    this.#logger = logger;
    this.#operator = operator;
  }

  start(onTick: (tick: LiveTick) => void): void {
    if (this.#run) return;
    const run = new AbortController();
    this.#run = run;
    this.#traces.start();
    void this.#loop(run.signal, onTick);
  }

  stop(): void {
    this.#run?.abort();
    this.#run = undefined;
    this.#traces.stop();
  }

  async #loop(stopped: AbortSignal, onTick: (tick: LiveTick) => void): Promise<void> {
    const deltas = new CounterDeltas();
    const served = new ServedWindows();
    let previous: FlowSample | undefined;
    while (!stopped.aborted) {
      const started = Date.now();
      try {
        const sample = await sampleFlows(this.#sources);
        const moved = deltas.next(sample.counters, sample.at);
        const red = served.next(sample.served, previous ? sample.at - previous.at : 0, sample.at);
        // A sample that finished after stop belongs to no one.
        if (stopped.aborted) return;
        if (previous) onTick({ ...this.#tick(sample, sample.at - previous.at, moved), services: red });
        previous = sample;
      } catch (error) {
        this.#logger.warn({ err: error }, 'live console sample failed');
      }
      await sleep(Math.max(0, TICK_MS - (Date.now() - started)), undefined, { signal: stopped }).catch(() => undefined);
    }
  }

  #tick(sample: FlowSample, intervalMs: number, moved: Map<string, number>): Omit<LiveTick, 'services'> {
    const edges = new Map<string, EdgeFlow>();
    for (const [key, amount] of moved) {
      const [, id, field] = key.split('|') as [string, string, 'count' | 'errors'];
      const edge = edges.get(id) ?? { id, count: 0, errors: 0, rate: 0 };
      edge[field] += amount;
      edges.set(id, edge);
    }
    for (const edge of edges.values()) edge.rate = Math.round((edge.count / Math.max(intervalMs, 1)) * 100_000) / 100;
    const { traces, omitted } = this.#traces.drain();
    return {
      at: new Date(sample.at).toISOString(),
      intervalMs,
      edges: [...edges.values()].filter((edge) => edge.count > 0),
      breakers: sample.breakers,
      outbox: sample.outbox,
      ...(sample.waiting ? { waiting: sample.waiting } : {}),
      traces,
      tracesOmitted: omitted,
      unreachable: sample.unreachable,
      ...this.#operator(),
    };
  }
}
