/**
 * Row 6, start and memory: `npm start` to the `agora ready` line and the RSS once settled, per
 * topology and, in split and mixed, per process. Each start has the machine to itself (nothing else
 * of the run is busy), on a fresh data folder, so migrations and sample data are included.
 */
import type { BenchContext, Goal } from '../lib/context.ts';
import { SERVER_NAMES, type ShopProcess, type Topology } from '../lib/shop.ts';
import { median, spread, type Spread } from '../lib/stats.ts';

export interface TopologyStart {
  starts: number;
  /** `npm start` spawned → ready line, ms. */
  readyMs: Spread;
  /** The shop's own count, from its process start to ready (no npm, no Node launcher), ms. */
  startupMs: Spread;
  /** Each process once settled after the last start (servers summed over their processes). */
  processes: ShopProcess[];
  pss: { agoraMb: number; serversMb: number };
}

export type StartupResult = Partial<Record<Topology, TopologyStart>>;

export async function startupRow(context: BenchContext): Promise<{ result: StartupResult; goals: Goal[] }> {
  const { shops, settings } = context;
  for (let start = 1; start < settings.embeddedStarts; start++) {
    context.log(`startup: embedded, start ${start} of ${settings.embeddedStarts}`);
    await shops.start('embedded', false);
  }
  for (const topology of settings.topologies) {
    context.log(`startup: ${topology}`);
    await shops.get(topology);
  }
  const result = summarizeStarts(context);
  return { result, goals: startupGoals(result) };
}

/** Every start the run made, rows that started shops on their own included. */
export function summarizeStarts(context: BenchContext): StartupResult {
  const result: StartupResult = {};
  for (const [topology, records] of Object.entries(context.shops.starts) as Array<[Topology, NonNullable<(typeof context.shops.starts)[Topology]>]>) {
    const last = records.at(-1)!;
    result[topology] = {
      starts: records.length,
      readyMs: spread(records.map((record) => record.readyMs), 0),
      startupMs: spread(records.map((record) => record.startupMs), 0),
      processes: last.processes,
      pss: last.pss,
    };
  }
  return result;
}

const SERVERS = new Set(SERVER_NAMES);

export function startupGoals(result: StartupResult): Goal[] {
  const goals: Goal[] = [];
  const embedded = result.embedded;
  if (embedded) {
    goals.push({ row: 'startup', name: 'Embedded start', goal: '`npm start` → ready ≤ 1 s', measured: `${(embedded.readyMs.median / 1000).toFixed(2)} s`, value: embedded.readyMs.median, met: embedded.readyMs.median <= 1000 });
    const rss = median(embedded.processes.filter((entry) => entry.name === 'agora').map((entry) => entry.rssMb));
    goals.push({ row: 'startup', name: 'Embedded memory', goal: 'RSS ≤ 150 MB', measured: `${Math.round(rss)} MB`, value: rss, met: rss <= 150 });
  }
  const split = result.split;
  if (split) {
    const services = split.processes.filter((entry) => entry.name !== 'gateway' && !SERVERS.has(entry.name));
    const largest = services.reduce((max, entry) => (entry.rssMb > max.rssMb ? entry : max), { name: '-', rssMb: 0, pid: 0 });
    goals.push({ row: 'startup', name: 'Split memory', goal: 'each service process ≤ 80 MB RSS', measured: `largest ${Math.round(largest.rssMb)} MB (${largest.name})`, value: largest.rssMb, met: services.every((entry) => entry.rssMb <= 80) });
  }
  return goals;
}
