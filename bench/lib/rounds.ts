// Variants measured side by side: each round runs every variant once, in turn, so a noisy stretch
// of the machine hits them all alike; figures are medians over rounds with min and max.
import type { MeasuredLoad } from './load.ts';
import { median, ratio, spread, type Spread } from './stats.ts';

/** Runs `measure` for every variant, `rounds` times, taking turns; results per variant in round order. */
export async function inTurns<V extends string, T>(variants: V[], rounds: number, measure: (variant: V, round: number) => Promise<T>): Promise<Record<V, T[]>> {
  const results = Object.fromEntries(variants.map((variant) => [variant, []])) as unknown as Record<V, T[]>;
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) results[variant].push(await measure(variant, round));
  }
  return results;
}

export interface LoadSummary {
  requestsPerSecond: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  /** Answers other than 2xx and socket errors, over all rounds: a run with either is not a clean run. */
  non2xx: number;
  errors: number;
  /** The load generator's own CPU use (median, % of one CPU). */
  loadCpuPercent: number;
  /** How busy each CPU was (median per CPU, %). */
  cpuBusyPercent: Record<string, number>;
}

export function summarize(runs: MeasuredLoad[]): LoadSummary {
  const cpus = [...new Set(runs.flatMap((run) => Object.keys(run.cpuBusyPercent)))];
  return {
    requestsPerSecond: spread(runs.map((run) => run.requestsPerSecond), 0),
    p50Ms: spread(runs.map((run) => run.p50Ms), 2),
    p99Ms: spread(runs.map((run) => run.p99Ms), 2),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    errors: runs.reduce((sum, run) => sum + run.errors + run.timeouts, 0),
    loadCpuPercent: Math.round(median(runs.map((run) => run.loadCpuPercent))),
    cpuBusyPercent: Object.fromEntries(cpus.map((cpu) => [cpu, Math.round(median(runs.map((run) => run.cpuBusyPercent[cpu] ?? Number.NaN)))])),
  };
}

/** a/b per round (both measured in the same round), summarized: the headline ratio and its spread. */
export function ratioPerRound(a: number[], b: number[], digits = 2): Spread {
  return spread(a.map((value, round) => ratio(value, b[round]!, 6)), digits);
}
