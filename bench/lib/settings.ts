// How long and how often each row measures: a full run (the committed figures, under 10 minutes on
// 2 cores) and a quick one (under 2 minutes; proves the harness works, its figures mean little).

export const ROWS = ['startup', 'gateway', 'chain', 'checkout', 'events', 'dispatch'] as const;
export type RowName = (typeof ROWS)[number];

export interface Settings {
  kind: 'full' | 'quick';
  /** The topologies started (startup row) and checked out (checkout row); mixed shares split's code paths. */
  topologies: Array<'embedded' | 'split' | 'mixed'>;
  /** Rounds of every side-by-side comparison. */
  rounds: number;
  /** One autocannon run at 50 connections. */
  loadSeconds: number;
  /** One run at a single connection, and one at a fixed rate. */
  latencySeconds: number;
  /** Discarded run per variant before the rounds: JIT, connection pools, first-request work (0: none). */
  warmupSeconds: number;
  /** Extra starts of the embedded topology for its start-to-ready median (split and mixed start once each). */
  embeddedStarts: number;
  /** Pause between ready and the memory reading. */
  settleSeconds: number;
  /**
   * Orders in flight are searched per topology (doubling from 8 up to maxInFlight, `searchSeconds` a
   * step; 0: no search, maxInFlight); each round then places orders for `seconds` and waits up to
   * `drainSeconds` for the rest.
   */
  checkout: { seconds: number; buyers: number; maxInFlight: number; searchSeconds: number; drainSeconds: number; historySample: number };
  events: { events: number; producers: number; latencySeconds: number };
  dispatchSeconds: number;
}

export const FULL: Settings = {
  kind: 'full',
  topologies: ['embedded', 'split', 'mixed'],
  rounds: 3,
  loadSeconds: 4,
  latencySeconds: 2,
  warmupSeconds: 1.5,
  embeddedStarts: 5,
  settleSeconds: 3,
  checkout: { seconds: 6, buyers: 24, maxInFlight: 128, searchSeconds: 1.5, drainSeconds: 10, historySample: 200 },
  events: { events: 1500, producers: 16, latencySeconds: 2 },
  dispatchSeconds: 1,
};

export const QUICK: Settings = {
  kind: 'quick',
  topologies: ['embedded', 'split'],
  rounds: 1,
  loadSeconds: 1,
  latencySeconds: 0.5,
  warmupSeconds: 0,
  embeddedStarts: 1,
  settleSeconds: 0.5,
  checkout: { seconds: 2, buyers: 8, maxInFlight: 16, searchSeconds: 0, drainSeconds: 3, historySample: 50 },
  events: { events: 300, producers: 16, latencySeconds: 0.5 },
  dispatchSeconds: 0.3,
};
