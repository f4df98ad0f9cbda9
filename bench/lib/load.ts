// The harness's side of the load generator (load-worker.ts): one long-lived worker on the load CPU.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { watchCpus, type CpuBusy } from './cpu.ts';
import { placement } from './processes.ts';

export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
  /**
   * Requests per second across all connections, evenly spaced whatever the answers do (an open
   * loop, paced-load.ts); unset: each connection sends its next request when the last is answered.
   */
  overallRate?: number;
}

export interface LoadResult {
  /** 2xx answers per second. */
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  /** The load generator's own CPU use, in % of one CPU. */
  loadCpuPercent: number;
}

export interface MeasuredLoad extends LoadResult {
  /** How busy each CPU was meanwhile, in %: with pinning, CPU 0 is the servers', CPU 1 the load generator's. */
  cpuBusyPercent: CpuBusy;
}

export class LoadGenerator {
  readonly #child: ChildProcess;
  #next = 0;
  readonly #pending = new Map<number, { resolve: (result: LoadResult) => void; reject: (error: Error) => void }>();

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: { id: number; result?: LoadResult; error?: string }) => {
      const waiting = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.error) waiting?.reject(new Error(`load generator: ${message.error}`));
      else waiting?.resolve(message.result!);
    });
    child.once('exit', (code) => {
      for (const waiting of this.#pending.values()) waiting.reject(new Error(`load generator exited (${code})`));
      this.#pending.clear();
    });
  }

  static start(): LoadGenerator {
    const worker = join(import.meta.dirname, 'load-worker.ts');
    const [program, args] = placement ? ['taskset', ['-c', placement.load, process.execPath, worker]] : [process.execPath, [worker]];
    // taskset execs Node in place, so the IPC channel set up here reaches it.
    return new LoadGenerator(spawn(program, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }

  async run(spec: LoadSpec): Promise<MeasuredLoad> {
    const id = ++this.#next;
    const cpus = watchCpus();
    const result = await new Promise<LoadResult>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ id, spec });
    });
    return { ...result, cpuBusyPercent: cpus.busy() };
  }

  stop(): void {
    if (this.#child.connected) this.#child.disconnect();
    this.#child.kill();
  }
}
