import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LiveTick, ServiceStatus, TrafficStatus } from '../api/types.ts';
import { shopTopology } from '../testing/topology-fixture.ts';
import { formatRate, liveView } from './live-view.ts';

const none = { ok: 0, failed: 0 };
const idle: TrafficStatus = {
  running: false,
  rate: 0,
  startedAt: null,
  counts: { browse: none, login: none, checkout: none, declined: none, outOfStock: none, orderStatus: none, cancel: none },
  shed: 0,
  restocked: 0,
  inFlight: 0,
  lastError: null,
};

function tick(overrides: Partial<LiveTick> = {}): LiveTick {
  return { at: '2026-01-01T00:00:00.000Z', intervalMs: 1000, edges: [], breakers: {}, outbox: {}, traces: [], tracesOmitted: 0, unreachable: [], services: {}, traffic: idle, stopped: [], ...overrides };
}

const status = (service: string, extra: Partial<ServiceStatus> = {}): ServiceStatus => ({ service, ready: true, instances: 1, stopped: false, ...extra });

describe('liveView', () => {
  const topology = shopTopology();

  it('counts a service’s requests from the calls arriving on its edges when the tick has no per-service entry', () => {
    const view = liveView(topology, [tick({ edges: [{ id: 'call:gateway->catalog', count: 4, errors: 0, rate: 4 }, { id: 'call:orders->catalog', count: 2, errors: 1, rate: 2 }] })], undefined);
    assert.equal(view.requests.get('catalog'), 6);
    assert.equal(view.requests.get('gateway'), 4, 'the gateway: what it sent on');
    assert.equal(view.requests.get('orders'), 0);
  });

  it('uses the per-service rate the stream measured when it has one', () => {
    const view = liveView(topology, [tick({ services: { catalog: { rate: 9, errors: 0, meanMs: 1, p99Ms: 2 } }, edges: [{ id: 'call:gateway->catalog', count: 4, errors: 0, rate: 4 }] })], undefined);
    assert.equal(view.requests.get('catalog'), 9);
  });

  it('keeps an edge’s errors of the last three ticks, so one failure stays visible', () => {
    const failing = tick({ edges: [{ id: 'call:orders->payments', count: 1, errors: 1, rate: 1 }] });
    assert.equal(liveView(topology, [failing, tick(), tick()], undefined).edges.get('call:orders->payments')?.recentErrors, 1);
    assert.equal(liveView(topology, [failing, tick(), tick(), tick()], undefined).edges.get('call:orders->payments'), undefined);
  });

  it('tells stopped, unreachable and not-ready services apart', () => {
    const view = liveView(topology, [tick({ stopped: ['payments'], unreachable: ['payments', 'shipping'] })], [status('inventory', { ready: false }), status('catalog', { stopped: true })]);
    assert.equal(view.states.get('payments'), 'stopped');
    assert.equal(view.states.get('catalog'), 'stopped');
    assert.equal(view.states.get('shipping'), 'unreachable');
    assert.equal(view.states.get('inventory'), 'not-ready');
    assert.equal(view.states.get('orders'), 'up');
  });
});

it('formats rates with one decimal below ten', () => {
  assert.equal(formatRate(3.44), '3.4/s');
  assert.equal(formatRate(42.4), '42/s');
  assert.equal(formatRate(0), '0/s');
});
