// What every row is given: the settings, the run's scratch folder, the load generator, the peers'
// keys, the running shops, and where CPU profiles go when one was asked for.
import type { LoadGenerator } from './load.ts';
import type { Settings } from './settings.ts';
import type { ShopPool } from './shop-pool.ts';
import type { PeerKeys } from './tokens.ts';

export interface BenchContext {
  settings: Settings;
  /** Scratch folder of this run (data folders, logs); removed at the end. */
  runDir: string;
  load: LoadGenerator;
  keys: PeerKeys;
  shops: ShopPool;
  /** Set when this run profiles: Agora's processes write `--cpu-prof` files here. */
  profileDir?: string;
  log(message: string): void;
}

/** One goal of issue 8, as the table shows it. */
export interface Goal {
  row: string;
  name: string;
  goal: string;
  /** The headline, as text (`0.42× node:http`). */
  measured: string;
  /** The number the goal is judged on. */
  value: number;
  met: boolean;
}
