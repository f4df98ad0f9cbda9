import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Saga } from '../api/types.ts';
import { sagaFocus } from './focus.ts';

it('highlights the services a saga went through and the event legs it used, in their directions', () => {
  const saga: Saga = {
    orderId: 'o-1',
    status: 'CANCELLED',
    saga: 'choreography',
    steps: [
      { at: '2026-01-01T00:00:00.000Z', service: 'orders', kind: 'status', type: 'PENDING', compensation: false },
      { at: '2026-01-01T00:00:00.001Z', service: 'orders', kind: 'published', type: 'order.created.v1', compensation: false },
      { at: '2026-01-01T00:00:00.002Z', service: 'payments', kind: 'handled', type: 'order.created.v1', compensation: false },
      { at: '2026-01-01T00:00:00.003Z', service: 'payments', kind: 'published', type: 'payment.declined.v1', compensation: false },
    ],
  };
  const focus = sagaFocus(saga);
  assert.deepEqual([...focus.nodes].sort(), ['bus', 'gateway', 'orders', 'payments']);
  assert.deepEqual([...focus.edges].sort(), ['call:gateway->orders', 'events:bus->payments', 'events:orders->bus', 'events:payments->bus']);
});

it('highlights only where an order enters before its saga is known', () => {
  assert.deepEqual([...sagaFocus(undefined).edges], ['call:gateway->orders']);
});
