// The shops of a run: each topology started once with the machine otherwise quiet (its start is a
// figure of the startup row), then pinned to the servers' CPU and shared by the rows that load it.
import { setTimeout as sleep } from 'node:timers/promises';
import { placement } from './processes.ts';
import { startShop, type Shop, type ShopProcess, type Topology } from './shop.ts';

export interface StartRecord {
  readyMs: number;
  startupMs: number;
  /** Agora's processes and the servers, RSS once settled after ready. */
  processes: ShopProcess[];
  pss: { agoraMb: number; serversMb: number };
}

export class ShopPool {
  readonly #shops = new Map<Topology, Shop>();
  readonly #runDir: string;
  readonly #settleSeconds: number;
  readonly #env: () => NodeJS.ProcessEnv;
  readonly starts: Partial<Record<Topology, StartRecord[]>> = {};

  constructor(runDir: string, settleSeconds: number, env: () => NodeJS.ProcessEnv = () => ({})) {
    this.#runDir = runDir;
    this.#settleSeconds = settleSeconds;
    this.#env = env;
  }

  /**
   * Starts a shop on every CPU (nothing else of the run is busy meanwhile) and records its start;
   * kept, it then moves to the servers' CPU for the rows that load it; otherwise it stops again.
   */
  async start(topology: Topology, keep: boolean): Promise<StartRecord> {
    if (keep && this.#shops.has(topology)) throw new Error(`a ${topology} shop is already running`);
    const shop = await startShop({ topology, runDir: this.#runDir, cpus: placement?.all, env: this.#env() });
    try {
      await sleep(this.#settleSeconds * 1000);
      const record: StartRecord = {
        readyMs: Math.round(shop.readyMs),
        startupMs: shop.startupMs,
        processes: shop.processes().map((entry) => ({ ...entry, rssMb: Math.round(entry.rssMb), pssMb: Math.round(entry.pssMb) })),
        pss: roundAll(shop.pss()),
      };
      (this.starts[topology] ??= []).push(record);
      if (keep) {
        shop.pinTo(placement?.servers);
        this.#shops.set(topology, shop);
      }
      return record;
    } finally {
      if (!keep) await shop.stop();
    }
  }

  /** The running shop of a topology, started (and recorded) on first use. */
  async get(topology: Topology): Promise<Shop> {
    if (!this.#shops.has(topology)) await this.start(topology, true);
    return this.#shops.get(topology)!;
  }

  running(): Shop[] {
    return [...this.#shops.values()];
  }

  async stop(topology: Topology): Promise<void> {
    const shop = this.#shops.get(topology);
    this.#shops.delete(topology);
    await shop?.stop();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#shops.keys()].map((topology) => this.stop(topology)));
  }
}

function roundAll<T extends Record<string, number>>(values: T): T {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, Math.round(value)])) as T;
}
