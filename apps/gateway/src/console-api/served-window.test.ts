import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServiceFlow } from '@agora/chassis';
import { ServedWindows, addServed, p99Seconds } from './served-window.ts';

const flow = (service: string, id: string, served: ServiceFlow['served']): ServiceFlow => ({
  service,
  instance: { id, pid: 1, version: '1.0.0' },
  calls: [],
  published: [],
  consumed: [],
  outboxPending: 0,
  breakers: {},
  served,
});

/** Cumulative histogram of `durations` (seconds) over the bounds 0.005, 0.01, 0.1, 1. */
const served = (durations: number[], errors = 0): ServiceFlow['served'] => ({
  count: durations.length,
  errors,
  seconds: durations.reduce((sum, value) => sum + value, 0),
  buckets: [0.005, 0.01, 0.1, 1].map((le) => ({ le, count: durations.filter((value) => value <= le).length })),
});

const sample = (...flows: ServiceFlow[]) => {
  const counters = new Map<string, number>();
  for (const one of flows) addServed(counters, one);
  return counters;
};

describe('served requests per window', () => {
  it('sums the window over instances: rate per second, 5xx, mean and p99', () => {
    const windows = new ServedWindows();
    windows.next(sample(flow('orders', 'a', served([0.002])), flow('orders', 'b', served([]))), 0, 0);
    // In the next second instance a answered 3 more (one 5xx), instance b 2.
    const red = windows.next(sample(flow('orders', 'a', served([0.002, 0.004, 0.004, 0.05], 1)), flow('orders', 'b', served([0.004, 0.004]))), 1_000, 1_000);
    assert.deepEqual(red.orders, { rate: 5, errors: 1, meanMs: 13.2, p99Ms: 100 });
  });

  it('reports a service that served nothing in the window with zeros', () => {
    const windows = new ServedWindows();
    const quiet = sample(flow('catalog', 'a', served([0.002, 0.002])));
    windows.next(quiet, 0, 0);
    assert.deepEqual(windows.next(quiet, 1_000, 1_000).catalog, { rate: 0, errors: 0, meanMs: 0, p99Ms: 0 });
  });

  it('counts a restarted instance (a new id) from zero, not from its predecessor', () => {
    const windows = new ServedWindows();
    windows.next(sample(flow('orders', 'old', served([0.002, 0.002, 0.002]))), 0, 0);
    assert.equal(windows.next(sample(flow('orders', 'new', served([0.002]))), 1_000, 1_000).orders!.rate, 1);
  });

  it('takes p99 as the upper bound of the bucket holding 99 %, the largest finite bound beyond it', () => {
    const buckets = (entries: Array<[number, number]>) => new Map(entries);
    assert.equal(p99Seconds({ count: 100, buckets: buckets([[0.005, 98], [0.01, 99], [0.1, 100]]) }), 0.01);
    assert.equal(p99Seconds({ count: 100, buckets: buckets([[0.005, 50], [1, 90]]) }), 1);
    assert.equal(p99Seconds({ count: 0, buckets: buckets([]) }), 0);
  });
});
