/**
 * The system graph of Agora, in one screen: which services exist, what each calls and consumes,
 * and how they are grouped into processes. Read this first.
 */
import type { ServiceDefinition } from '@agora/chassis';
import { catalog } from '@agora/catalog/service';
import { identity } from '@agora/identity/service';
import { inventory } from '@agora/inventory/service';
import { orders } from '@agora/orders/service';
import { payments } from '@agora/payments/service';
import { shipping } from '@agora/shipping/service';

/** Bounded contexts; each owns its database. The gateway (apps/gateway) sits in front of them. */
export const services: ServiceDefinition[] = [identity, catalog, orders, inventory, payments, shipping];

/** How services are grouped into processes, per topology. `AGORA_TOPOLOGY` picks one. */
export const topologies = {
  /** Everything in one Node process on embedded SQLite and the in-process durable bus: `npm start`. */
  embedded: [{ process: 'agora', services: services.map((service) => service.name), gateway: true }],
  /** A process per service on PostgreSQL and NATS JetStream; the gateway runs in the supervisor. */
  split: [
    { process: 'gateway', services: [], gateway: true },
    ...services.map((service) => ({ process: service.name, services: [service.name], gateway: false })),
  ],
  /** The strangler-fig step: inventory extracted from the monolith, everything else still together. */
  mixed: [
    { process: 'gateway', services: [], gateway: true },
    { process: 'monolith', services: services.filter((service) => service.name !== 'inventory').map((service) => service.name), gateway: false },
    { process: 'inventory', services: ['inventory'], gateway: false },
  ],
} as const satisfies Record<string, ReadonlyArray<{ process: string; services: readonly string[]; gateway: boolean }>>;

export type TopologyName = keyof typeof topologies;

export interface Edge {
  from: string;
  to: string;
  kind: 'call' | 'event';
  label: string;
}

/** Who calls whom (from `dependsOn`) and who consumes whose events (from the contracts). */
export function edges(running: Array<{ name: string; consumedEvents: string[] }>): Edge[] {
  const producers = new Map(services.flatMap((service) => service.publishes.map((event) => [event.type, service.name] as const)));
  const calls = services.flatMap((service) => service.dependsOn.map((api) => ({ from: service.name, to: api.service, kind: 'call' as const, label: `${api.service} v${api.version}` })));
  const events = running.flatMap((service) =>
    service.consumedEvents.map((type) => ({ from: producers.get(type) ?? 'unknown', to: service.name, kind: 'event' as const, label: type })),
  );
  return [...calls, ...events];
}
