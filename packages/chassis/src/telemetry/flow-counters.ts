import type { Counter } from 'prom-client';
import { calls, eventsConsumed, eventsPublished, failedDeliveryOutcomes, outboxPending } from './metrics.ts';
import { servedRequests, type ServedRequests } from './served-requests.ts';

export interface FlowCounters {
  calls: Array<{ target: string; count: number; errors: number }>;
  published: Array<{ type: string; count: number }>;
  consumed: Array<{ type: string; count: number; errors: number }>;
  outboxPending: number;
  /** Requests the service answered (its own routes, not probes or operator calls). */
  served: ServedRequests;
}

/**
 * One service's cumulative traffic per edge, from the process registry's counters. Several services
 * can share a process (and its registry), so only series labelled with `service` count.
 */
export async function flowCounters(service: string): Promise<FlowCounters> {
  const [called, published, consumed, pending, served] = await Promise.all([
    sumBy(calls, service, 'target', (labels) => labels.outcome !== 'ok'),
    sumBy(eventsPublished, service, 'type', () => false),
    sumBy(eventsConsumed, service, 'type', (labels) => failedDeliveryOutcomes.has(String(labels.outcome))),
    outboxPending.get(),
    servedRequests(service),
  ]);
  return {
    calls: called.map(({ key, count, errors }) => ({ target: key, count, errors })),
    published: published.map(({ key, count }) => ({ type: key, count })),
    consumed: consumed.map(({ key, count, errors }) => ({ type: key, count, errors })),
    outboxPending: pending.values.filter((value) => value.labels.service === service).reduce((sum, value) => sum + value.value, 0),
    served,
  };
}

type Labels = Partial<Record<string, string | number>>;

/** Sums a counter's series of one service by one label; `failed` says which series also count as errors. */
async function sumBy(counter: Counter<string>, service: string, label: string, failed: (labels: Labels) => boolean) {
  const sums = new Map<string, { key: string; count: number; errors: number }>();
  for (const { labels, value } of (await counter.get()).values) {
    if (labels.service !== service) continue;
    const key = String(labels[label]);
    const sum = sums.get(key) ?? { key, count: 0, errors: 0 };
    sum.count += value;
    if (failed(labels)) sum.errors += value;
    sums.set(key, sum);
  }
  return [...sums.values()];
}
