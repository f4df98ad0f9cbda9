import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sagaTimeline } from './saga-timeline.ts';

const TRACE = 'f'.repeat(32);
const at = (ms: number) => new Date(Date.UTC(2030, 0, 1) + ms).toISOString();

describe('saga timeline', () => {
  const order = {
    id: 'o-1',
    status: 'CANCELLED',
    saga: 'choreography',
    history: [
      { status: 'PENDING', reason: null, at: at(0) },
      { status: 'CANCELLED', reason: 'payment-declined: card-declined', at: at(30) },
    ],
  };
  const timeline = sagaTimeline(order, [
    { service: 'orders', ok: true, events: { published: [{ eventId: 'e-created', type: 'order.created.v1', at: at(0), traceId: TRACE }, { eventId: 'e-cancelled', type: 'order.cancelled.v1', at: at(30) }], handled: [{ eventId: 'e-declined', type: 'payment.declined.v1', consumer: 'orders.advance-saga', at: at(30), attempts: 1 }], deadLettered: [] } },
    { service: 'inventory', ok: true, events: { published: [{ eventId: 'e-reserved', type: 'inventory.reserved.v1', at: at(10) }, { eventId: 'e-released', type: 'inventory.released.v1', at: at(40) }], handled: [{ eventId: 'e-created', type: 'order.created.v1', consumer: 'inventory.reserve-stock', at: at(10), attempts: 2 }], deadLettered: [] } },
    { service: 'shipping', ok: true, events: { published: [], handled: [], deadLettered: [{ eventId: 'e-cancelled', type: 'order.cancelled.v1', consumer: 'shipping.cancel', at: at(50), attempts: 5, error: 'boom' }] } },
    { service: 'payments', ok: false },
  ]);

  it('merges the status history and every service’s events by time; at the same instant, handled → status → published', () => {
    assert.deepEqual(timeline.steps.map((step) => `${step.service} ${step.kind} ${step.type}`), [
      'orders status PENDING',
      'orders published order.created.v1',
      'inventory handled order.created.v1',
      'inventory published inventory.reserved.v1',
      'orders handled payment.declined.v1',
      'orders status CANCELLED',
      'orders published order.cancelled.v1',
      'inventory published inventory.released.v1',
      'shipping dead-lettered order.cancelled.v1',
    ]);
  });

  it('marks compensations, keeps attempts, reasons and errors, and takes the trace from order.created.v1', () => {
    const step = (type: string, kind: string) => timeline.steps.find((candidate) => candidate.type === type && candidate.kind === kind)!;
    assert.deepEqual(timeline.steps.filter((candidate) => candidate.compensation).map((candidate) => `${candidate.kind} ${candidate.type}`), [
      'status CANCELLED',
      'published order.cancelled.v1',
      'published inventory.released.v1',
      'dead-lettered order.cancelled.v1',
    ]);
    assert.equal(step('order.created.v1', 'handled').attempts, 2);
    assert.equal(step('order.created.v1', 'handled').consumer, 'inventory.reserve-stock');
    assert.equal(step('CANCELLED', 'status').detail, 'payment-declined: card-declined');
    assert.equal(step('order.cancelled.v1', 'dead-lettered').detail, 'boom');
    assert.equal(timeline.traceId, TRACE);
    assert.deepEqual({ orderId: timeline.orderId, status: timeline.status, saga: timeline.saga }, { orderId: 'o-1', status: 'CANCELLED', saga: 'choreography' });
  });

  it('names the services whose store it could not read', () => {
    assert.deepEqual(timeline.unreachable, ['payments']);
  });
});
