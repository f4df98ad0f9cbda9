import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestSystem, type TestSystem } from '@agora/chassis/testing';
import { edges, services, topologies } from '../../topology.ts';

describe('the system graph (topology.ts) agrees with the contracts', () => {
  let shop: TestSystem;
  before(async () => {
    shop = await startTestSystem(services, { seed: false });
  });
  after(() => shop.stop());

  it('places every service in exactly one process of each topology', () => {
    for (const [name, processes] of Object.entries(topologies)) {
      const placed = processes.flatMap((process) => process.services);
      assert.deepEqual([...placed].sort(), services.map((service) => service.name).sort(), name);
    }
  });

  it('has a producer for every event a service consumes', () => {
    const graph = edges(shop.system!.runtimes);
    const orphans = graph.filter((edge) => edge.kind === 'event' && edge.from === 'unknown');
    assert.deepEqual(orphans, []);
  });

  it('wires the checkout saga as designed: inventory ∥ payments on order.created, shipping joins both', () => {
    const graph = edges(shop.system!.runtimes);
    const consumersOf = (type: string) => graph.filter((edge) => edge.label === type).map((edge) => edge.to).sort();
    assert.deepEqual(consumersOf('order.created.v1'), ['inventory', 'payments', 'shipping']);
    assert.ok(consumersOf('inventory.reserved.v1').includes('shipping'));
    assert.ok(consumersOf('payment.captured.v1').includes('shipping'));
    // Orders reads its own cancellations too: the order-details read model is built from events.
    assert.deepEqual(consumersOf('order.cancelled.v1'), ['inventory', 'orders', 'payments', 'shipping']);
  });

  it('names every event <entity>.<past-tense>.v<n> and lets only its producer own it', () => {
    const owners = new Map<string, string>();
    for (const service of services) {
      for (const event of service.publishes) {
        assert.match(event.type, /^[a-z]+\.[a-z-]+\.v\d+$/);
        assert.equal(event.producer, service.name, `${event.type} is declared by ${event.producer} but published by ${service.name}`);
        assert.ok(!owners.has(event.type), `${event.type} declared twice`);
        owners.set(event.type, service.name);
      }
    }
  });

  it('calls only services that exist, and orders calls catalog', () => {
    const names = new Set(services.map((service) => service.name));
    const calls = edges(shop.system!.runtimes).filter((edge) => edge.kind === 'call');
    for (const call of calls) assert.ok(names.has(call.to), `${call.from} calls unknown ${call.to}`);
    assert.ok(calls.some((call) => call.from === 'orders' && call.to === 'catalog'));
  });
});
