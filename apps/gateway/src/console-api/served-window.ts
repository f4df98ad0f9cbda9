import type { ServiceFlow } from '@agora/chassis';
import type { ServiceRed } from './contract.ts';
import { CounterDeltas } from './counter-deltas.ts';

/**
 * Adds one instance's cumulative served counters to a sample, keyed
 * `<service>|<instance id>|<field>` (`count`, `errors`, `seconds`, `le:<bound>`), so the window's
 * differences are taken per instance, as the edge counters' are.
 */
export function addServed(counters: Map<string, number>, flow: ServiceFlow): void {
  // An instance of an older release may not report it.
  if (!flow.served) return;
  const prefix = `${flow.service}|${flow.instance.id}|`;
  const { count, errors, seconds, buckets } = flow.served;
  counters.set(`${prefix}count`, count);
  counters.set(`${prefix}errors`, errors);
  counters.set(`${prefix}seconds`, seconds);
  for (const bucket of buckets) counters.set(`${prefix}le:${bucket.le}`, bucket.count);
}

interface Window {
  count: number;
  errors: number;
  seconds: number;
  /** Upper bound (seconds) → requests at or under it, in the window. */
  buckets: Map<number, number>;
}

/**
 * Turns successive samples of cumulative served counters into per-service RED for each window. Every
 * sample must pass through `next`, the first one too: it is the baseline of the second.
 */
export class ServedWindows {
  readonly #deltas = new CounterDeltas();

  next(counters: Map<string, number>, intervalMs: number, at = Date.now()): Record<string, ServiceRed> {
    const moved = this.#deltas.next(counters, at);
    const windows = new Map<string, Window>();
    // Every service that reported has a line, with zeros when it served nothing.
    for (const key of counters.keys()) {
      const service = key.slice(0, key.indexOf('|'));
      if (!windows.has(service)) windows.set(service, { count: 0, errors: 0, seconds: 0, buckets: new Map() });
    }
    for (const [key, amount] of moved) {
      const [service, , field] = key.split('|') as [string, string, string];
      const window = windows.get(service)!;
      if (field.startsWith('le:')) {
        const bound = Number(field.slice(3));
        window.buckets.set(bound, (window.buckets.get(bound) ?? 0) + amount);
      } else if (field === 'count' || field === 'errors' || field === 'seconds') window[field] += amount;
    }
    const red: Record<string, ServiceRed> = {};
    for (const [service, window] of windows) {
      red[service] = {
        rate: round((window.count / Math.max(intervalMs, 1)) * 1000),
        errors: window.errors,
        meanMs: window.count > 0 ? round((window.seconds / window.count) * 1000) : 0,
        p99Ms: round(p99Seconds(window) * 1000),
      };
    }
    return red;
  }
}

/**
 * The 99th percentile from histogram bucket differences: the upper bound of the first bucket that
 * holds 99 % of the window's requests, so it is an upper bound of the true value at the bucket
 * resolution (1, 2.5, 5, 10, 25… ms). Past the largest finite bound it reports that bound, a lower
 * bound then: the histogram knows no more.
 */
export function p99Seconds(window: Pick<Window, 'count' | 'buckets'>): number {
  if (window.count === 0) return 0;
  const bounds = [...window.buckets.keys()].sort((a, b) => a - b);
  const needed = window.count * 0.99;
  for (const bound of bounds) if ((window.buckets.get(bound) ?? 0) >= needed) return bound;
  return bounds.at(-1) ?? 0;
}

const round = (value: number) => Math.round(value * 100) / 100;
