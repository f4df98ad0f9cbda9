import type { Topology, TopologyEdge } from '../api/types.ts';

const SERVICES = ['identity', 'catalog', 'orders', 'inventory', 'payments', 'shipping'];

const call = (from: string, to: string): TopologyEdge => ({ id: `call:${from}->${to}`, from, to, kind: 'call', label: `${to} v1.0.0` });
const publish = (from: string, type: string): TopologyEdge => ({ id: `event:${from}->bus:${type}`, from, to: 'bus', kind: 'event', label: type });
const consume = (to: string, type: string): TopologyEdge => ({ id: `event:bus->${to}:${type}`, from: 'bus', to, kind: 'event', label: type });

/** The shop's graph as `GET /api/v1/admin/topology` answers it (a few event types of each kind). */
export function shopTopology(): Topology {
  return {
    nodes: [
      { id: 'gateway', kind: 'gateway', label: 'gateway', instances: [{ version: '0.1.0', pid: 1, ready: true }] },
      { id: 'bus', kind: 'bus', label: 'event bus', engine: 'sqlite' },
      ...SERVICES.flatMap((service) => [
        { id: service, kind: 'service' as const, label: service, instances: [{ version: '0.1.0', pid: 1, ready: true }] },
        { id: `db:${service}`, kind: 'database' as const, label: `${service} database`, engine: 'sqlite' },
      ]),
    ],
    edges: [
      ...SERVICES.map((service) => call('gateway', service)),
      ...SERVICES.map((service): TopologyEdge => ({ id: `storage:${service}->db:${service}`, from: service, to: `db:${service}`, kind: 'storage', label: 'sqlite' })),
      call('orders', 'catalog'),
      call('orders', 'inventory'),
      call('orders', 'payments'),
      call('orders', 'shipping'),
      publish('identity', 'user.registered.v1'),
      publish('orders', 'order.created.v1'),
      publish('inventory', 'inventory.reserved.v1'),
      publish('payments', 'payment.captured.v1'),
      publish('shipping', 'shipment.created.v1'),
      consume('inventory', 'order.created.v1'),
      consume('payments', 'order.created.v1'),
      consume('shipping', 'payment.captured.v1'),
      consume('orders', 'payment.captured.v1'),
      consume('orders', 'inventory.reserved.v1'),
    ],
  };
}
