import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Completed } from './support/history.ts';
import type { FaultRecord } from './support/nemesis.ts';
import { latencyFigures, outageProblems, percentile } from './support/outages.ts';
import { ReadinessWatch } from './support/readiness.ts';

const fault = (kind: string, readiness: FaultRecord['readiness'], observed?: Record<string, number>): FaultRecord => ({
  atMs: 0, kind, holdMs: 0, target: 'payments pid 1', services: ['payments'], injectedAt: 1_000, healedAt: 1_000, recoveryMs: 500, outageMs: 2_000, readiness, ...(observed ? { observed } : {}),
});
const operation = (invokedAt: number, tookMs: number): Completed => ({ process: 0, f: 'browse', outcome: 'ok', invokedAt, completedAt: invokedAt + tookMs, value: {} });
const quiet = { boundMs: 5_000, duringFaults: { operations: 1, p50Ms: 100, p99Ms: 100 }, outsideFaults: { operations: 1, p50Ms: 10, p99Ms: 10 } };

describe('outage checks', () => {
  it('fail a kill whose readiness never went down, and any fault whose readiness never came back', () => {
    assert.deepEqual(outageProblems([fault('kill-service', { wentDown: true, cameBack: true, downMs: 800 })], ['kill-service'], quiet), []);
    assert.match(outageProblems([fault('kill-service', { wentDown: false, cameBack: true, downMs: 0 })], ['kill-service'], quiet)[0]!, /never went down/);
    assert.match(outageProblems([fault('latency', { wentDown: true, cameBack: false, downMs: 2_000 })], ['kill-service'], quiet)[0]!, /never came back/);
    assert.deepEqual(outageProblems([fault('latency', { wentDown: false, cameBack: true, downMs: 0 })], ['kill-service'], quiet), [], 'latency need not take readiness down');
  });

  it('fail a tolerated clock skew that took the service out of the gateway view', () => {
    assert.deepEqual(outageProblems([fault('skew', { wentDown: false, cameBack: true, downMs: 0 }, { notReadyInGatewayView: 0 })], [], quiet), []);
    assert.match(outageProblems([fault('skew', { wentDown: false, cameBack: true, downMs: 0 }, { notReadyInGatewayView: 3 })], [], quiet)[0]!, /gateway saw payments not ready 3 times/);
  });

  it('fail a p99 during faults over the bound, and tell the figures apart from those outside faults', () => {
    const history = [...Array.from({ length: 98 }, (_, i) => operation(1_000 + i, 50)), operation(1_500, 5_100), operation(1_600, 5_200), operation(10_000, 20)];
    const latency = latencyFigures(history, [[1_000, 3_000]], 5_000);
    assert.deepEqual(latency.duringFaults, { operations: 100, p50Ms: 50, p99Ms: 5_100 });
    assert.deepEqual(latency.outsideFaults, { operations: 1, p50Ms: 20, p99Ms: 20 });
    assert.match(outageProblems([], [], latency)[0]!, /p99 during faults 5100 ms is over the bound of 5000 ms/);
    assert.equal(percentile([], 99), 0);
  });
});

describe('readiness over a window', () => {
  it('sees a service go down inside the window and come back before its end', () => {
    const watch = new ReadinessWatch(() => ({}), () => 0);
    watch.changes.push({ at: 0, service: 'orders', up: true }, { at: 1_200, service: 'orders', up: false }, { at: 1_700, service: 'orders', up: true }, { at: 0, service: 'catalog', up: true });
    assert.deepEqual(watch.during(['orders'], 1_000, 3_000), { wentDown: true, cameBack: true, downMs: 500 });
    assert.deepEqual(watch.during(['catalog'], 1_000, 3_000), { wentDown: false, cameBack: true, downMs: 0 });
    assert.deepEqual(watch.during(['orders'], 1_000, 1_500), { wentDown: true, cameBack: false, downMs: 300 });
    assert.deepEqual(watch.during(['orders', 'catalog'], 1_000, 3_000), { wentDown: true, cameBack: true, downMs: 500 }, 'one service down is enough');
  });
});
