import type { EventBus, EventEnvelope, Subscription } from '@agora/chassis';

export interface Delivered {
  consumer: string;
  id: string;
  attempt: number;
  /** When the handler was called (performance.now(), ms). */
  at: number;
}

/** The same bus with some of its operations replaced: what a test observes or breaks. */
function around(bus: EventBus, overrides: { publish?: EventBus['publish']; subscribe?: EventBus['subscribe'] }): EventBus {
  return {
    engine: bus.engine,
    publish: overrides.publish ?? ((envelopes) => bus.publish(envelopes)),
    subscribe: overrides.subscribe ?? ((subscription) => bus.subscribe(subscription)),
    backlog: () => bus.backlog(),
    ping: () => bus.ping(),
    close: () => bus.close(),
  };
}

/** Records every delivery the bus makes to a consumer, before the chassis (inbox, dead letters) sees it. */
export function recording(bus: EventBus): { bus: EventBus; deliveries: Delivered[] } {
  const deliveries: Delivered[] = [];
  const subscribe = (subscription: Subscription) =>
    bus.subscribe({
      ...subscription,
      handle: (envelope: EventEnvelope, delivery) => {
        deliveries.push({ consumer: subscription.consumer, id: envelope.id, attempt: delivery.attempt, at: performance.now() });
        return subscription.handle(envelope, delivery);
      },
    });
  return { bus: around(bus, { subscribe }), deliveries };
}

/**
 * Dies the way a crash would, at the worst moment for an outbox relay: the broker acknowledged the
 * publish, and the relay has not yet marked the rows sent.
 */
export function killedAfterPublish(bus: EventBus): EventBus {
  return around(bus, {
    publish: async (envelopes) => {
      await bus.publish(envelopes);
      process.kill(process.pid, 'SIGKILL');
    },
  });
}
