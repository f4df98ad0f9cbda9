import type { Channel } from 'amqplib';

/**
 * Far above any sensible EVENT_MAX_DELIVER (the chassis dead-letters and acknowledges an event long
 * before): only a message the chassis never gets to settle, such as one that crashes the process on
 * every delivery, reaches it, and RabbitMQ then moves it to the dead-letter exchange.
 */
export const DELIVERY_LIMIT = 500;
/** Bounds the unrouted queue: it keeps recent evidence, not an ever-growing archive. */
const UNROUTED_MAX_LENGTH = 100_000;

/** The exchanges and queues beside the main exchange, named after it. */
export function topologyNames(exchange: string) {
  return {
    exchange,
    /** Where a subscription queue sends what the broker rejects (delivery limit, unreadable message). */
    deadLetters: `${exchange}.dead-letters`,
    /** The main exchange's alternate: events that matched no queue at all land here instead of vanishing. */
    unrouted: `${exchange}.unrouted`,
  };
}

const quorum = { 'x-queue-type': 'quorum' };

/**
 * Idempotent, and safe when several processes declare at once. Every declaration is durable; queues
 * are quorum queues (replicated, fsynced before the publisher is confirmed).
 */
export async function declareExchanges(channel: Channel, exchange: string): Promise<void> {
  const names = topologyNames(exchange);
  await channel.assertExchange(names.deadLetters, 'fanout', { durable: true });
  await channel.assertQueue(names.deadLetters, { durable: true, arguments: quorum });
  await channel.bindQueue(names.deadLetters, names.deadLetters, '');
  await channel.assertExchange(names.unrouted, 'fanout', { durable: true });
  await channel.assertQueue(names.unrouted, { durable: true, arguments: { ...quorum, 'x-max-length': UNROUTED_MAX_LENGTH } });
  await channel.bindQueue(names.unrouted, names.unrouted, '');
  // Routing key = event type; a subscription binds each of its types by name.
  await channel.assertExchange(exchange, 'topic', { durable: true, alternateExchange: names.unrouted });
}

/**
 * A subscription's durable queue, named after its consumer, bound to each of its types. Bindings of
 * types an older deploy subscribed to stay (RabbitMQ cannot list them without its management plugin);
 * the consumer acknowledges those events unhandled.
 */
export async function declareSubscriptionQueue(channel: Channel, exchange: string, consumer: string, types: readonly string[]): Promise<void> {
  await declareExchanges(channel, exchange);
  await channel.assertQueue(consumer, {
    durable: true,
    arguments: { ...quorum, 'x-delivery-limit': DELIVERY_LIMIT, 'x-dead-letter-exchange': topologyNames(exchange).deadLetters },
  });
  for (const type of types) await channel.bindQueue(consumer, exchange, type);
}
