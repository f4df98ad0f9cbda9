import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { topologyGraph, type Declared } from './topology-graph.ts';

const declared = (overrides: Partial<Declared>): Declared => ({ calls: [], publishes: [], consumes: [], database: 'sqlite', bus: 'sqlite', ...overrides });

describe('topology graph', () => {
  const graph = topologyGraph({ instances: [{ version: '1.0.0', pid: 1 }], routes: [{ service: 'orders', version: '1.0.0' }] }, [
    { service: 'orders', declared: declared({ calls: [{ service: 'catalog', version: '2.0.0' }], publishes: ['order.created.v1'] }), instances: [{ version: '1.0.0', pid: 1, ready: true }] },
    { service: 'inventory', declared: declared({ consumes: ['order.created.v1'], database: 'postgres' }), instances: [] },
    { service: 'catalog', instances: [{ version: 'unknown', ready: false }] },
  ]);
  const edge = (id: string) => graph.edges.find((candidate) => candidate.id === id);

  it('draws the gateway, the bus, every service and a database per service that declared one', () => {
    assert.deepEqual(graph.nodes.map((node) => `${node.kind}:${node.id}`).sort(), [
      'bus:bus', 'database:db:inventory', 'database:db:orders', 'gateway:gateway', 'service:catalog', 'service:inventory', 'service:orders',
    ]);
    assert.equal(graph.nodes.find((node) => node.id === 'db:inventory')?.engine, 'postgres');
  });

  it('draws calls from routes and dependsOn, events through the bus, storage to the own database', () => {
    assert.deepEqual(edge('call:gateway->orders'), { id: 'call:gateway->orders', from: 'gateway', to: 'orders', kind: 'call', label: 'orders v1.0.0' });
    assert.equal(edge('call:orders->catalog')?.label, 'catalog v2.0.0');
    assert.equal(edge('event:orders->bus:order.created.v1')?.kind, 'event');
    assert.equal(edge('event:bus->inventory:order.created.v1')?.label, 'order.created.v1');
    assert.equal(edge('storage:orders->db:orders')?.to, 'db:orders');
  });

  it('keeps a service that never answered on the graph, without edges it could only guess', () => {
    assert.deepEqual(graph.nodes.find((node) => node.id === 'catalog')?.instances, [{ version: 'unknown', ready: false }]);
    assert.equal(graph.edges.some((candidate) => candidate.from === 'catalog'), false);
  });
});
