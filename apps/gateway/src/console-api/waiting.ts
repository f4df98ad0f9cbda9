import type { EventBus } from '@agora/chassis';

/** What the gateway asks of the bus to show operators how many events wait for each service. */
export type BacklogSource = Pick<EventBus, 'backlog'>;

/**
 * Events waiting on the bus per consuming service: the backlogs of its durable consumers
 * (`<service>.<consumer>`) summed, for the services given; a service that consumes nothing is not
 * listed. One call to the bus, answered for stopped services too.
 */
export async function waitingByService(bus: BacklogSource, services: readonly string[]): Promise<Record<string, number>> {
  const known = new Set(services);
  const waiting: Record<string, number> = {};
  for (const { consumer, waiting: count } of await bus.backlog()) {
    const service = consumer.split('.', 1)[0]!;
    if (consumer.includes('.') && known.has(service)) waiting[service] = (waiting[service] ?? 0) + count;
  }
  return waiting;
}
