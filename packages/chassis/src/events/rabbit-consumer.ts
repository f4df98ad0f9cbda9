import type { Channel, ConsumeMessage } from 'amqplib';
import type { EventEnvelope } from '../contract/events.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Subscription, SubscriptionHandle } from './bus.ts';
import { declareSubscriptionQueue } from './rabbit-topology.ts';

const MAX_BACKOFF_MS = 30_000;

export interface RabbitConsumerOptions {
  /** A new channel on the bus's connection; waits while the connection is being re-established. */
  openChannel: () => Promise<Channel>;
  exchange: string;
  duplicateDeliveries: boolean;
  logger?: Pick<Logger, 'warn'>;
}

/**
 * One subscription's queue, consumed on its own channel until stopped. The broker holds at most
 * `concurrency` unacknowledged messages for it (prefetch), so with 1 the next message is not sent
 * before the current one is settled, and a failed one (held through its backoff, then returned to
 * the head of the queue) blocks those after it: events are applied strictly in queue order, as the
 * SQLite and NATS buses do. A handler running past the broker's `consumer_timeout` (30 min by
 * default) loses its channel and the message is delivered again.
 */
export class RabbitConsumer implements SubscriptionHandle {
  readonly #subscription: Subscription;
  readonly #options: RabbitConsumerOptions;
  readonly #types: ReadonlySet<string>;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #stopped: Promise<void>;
  readonly #done: Promise<void>;
  #running = true;
  #signalStop: () => void = () => {};

  constructor(subscription: Subscription, options: RabbitConsumerOptions) {
    this.#subscription = subscription;
    this.#options = options;
    this.#types = new Set(subscription.types);
    this.#stopped = new Promise((resolve) => (this.#signalStop = resolve));
    this.#done = this.#run();
  }

  /** Stops receiving, returns what arrives meanwhile, waits for the handlers in flight and settles them. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#signalStop();
    await this.#done;
  }

  /**
   * Restarts, with a backoff, whatever ends the channel (the connection lost, the queue deleted, a
   * declaration refused) until stopped. The broker returns a closed channel's unacknowledged messages
   * itself; the handlers still running on them finish before a new channel may receive them again.
   */
  async #run(): Promise<void> {
    for (let failures = 0; this.#running; ) {
      const opening = this.#options.openChannel();
      const opened = await Promise.race([opening, this.#stopped]).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
      if (!opened) {
        opening.then(closeQuietly, () => undefined);
        break;
      }
      const channel = opened instanceof Error ? undefined : opened;
      try {
        if (!channel) throw opened;
        const closed = new Promise<'closed'>((resolve) => channel.once('close', () => resolve('closed')));
        channel.on('error', (error: Error) => this.#options.logger?.warn({ consumer: this.#subscription.consumer, err: error }, 'event consumer channel failed'));
        await declareSubscriptionQueue(channel, this.#options.exchange, this.#subscription.consumer, this.#subscription.types);
        await channel.prefetch(this.#subscription.concurrency);
        const { consumerTag } = await channel.consume(this.#subscription.consumer, (message) => this.#dispatch(channel, closed, message), { noAck: false });
        failures = 0;
        if ((await Promise.race([closed, this.#stopped.then(() => 'stopped' as const)])) === 'stopped') {
          await this.#finish(channel, consumerTag);
          break;
        }
        throw new Error('channel closed');
      } catch (error) {
        if (channel) closeQuietly(channel);
        if (!this.#running) break;
        failures++;
        this.#options.logger?.warn({ consumer: this.#subscription.consumer, err: error, failures }, 'event consumer interrupted; restarting');
        await Promise.all(this.#inFlight);
        await this.#pause(Math.min(MAX_BACKOFF_MS, 250 * 2 ** failures));
      }
    }
    await Promise.all(this.#inFlight);
  }

  /** Settles the handlers in flight on a channel that still works, then closes it: acknowledgements written before the close are honoured. */
  async #finish(channel: Channel, consumerTag: string): Promise<void> {
    await channel.cancel(consumerTag).catch(() => undefined);
    await Promise.all(this.#inFlight);
    await Promise.resolve()
      .then(() => channel.close())
      .catch(() => undefined);
  }

  #dispatch(channel: Channel, closed: Promise<unknown>, message: ConsumeMessage | null): void {
    // The broker cancelled the consumer (its queue was deleted): start over, declaring it again.
    if (message === null) return closeQuietly(channel);
    // Arrived after stop: back to the queue at once, for the next consumer.
    if (!this.#running) return settle(() => channel.nack(message, false, true));
    if (!this.#types.has(message.fields.routingKey)) return settle(() => channel.ack(message));
    const work = this.#deliver(channel, closed, message)
      .catch((error) => this.#options.logger?.warn({ consumer: this.#subscription.consumer, messageId: message.properties.messageId, err: error }, 'event delivery not settled'))
      .finally(() => this.#inFlight.delete(work));
    this.#inFlight.add(work);
  }

  /**
   * Acknowledges after the handler resolved. A throw is redelivered after a jittered exponential
   * backoff (capped at 30 s), the same shape as the other buses.
   *
   * The backoff holds the message unacknowledged, then returns it (nack with requeue), rather than
   * parking a copy in a delay queue with a per-message TTL that dead-letters back: the message never
   * exists twice (no copy-then-ack window), nothing overtakes it (order kept at concurrency 1, which
   * a delay queue would break), a crash during the backoff loses nothing (the broker returns it), and
   * the attempt is the quorum queue's own delivery count, so it survives restarts. The cost, one
   * prefetch slot held through the backoff, is what the other buses pay too.
   */
  async #deliver(channel: Channel, closed: Promise<unknown>, message: ConsumeMessage): Promise<void> {
    let envelope: EventEnvelope;
    try {
      envelope = JSON.parse(message.content.toString('utf8')) as EventEnvelope;
    } catch (error) {
      // Not an envelope: no handler or dead-letter table can take it, and redelivery will not fix it.
      this.#options.logger?.warn({ consumer: this.#subscription.consumer, messageId: message.properties.messageId, err: error }, 'unreadable event dead-lettered');
      return channel.nack(message, false, false);
    }
    const attempt = deliveryCount(message) + 1;
    try {
      for (let copy = 0; copy < (this.#options.duplicateDeliveries ? 2 : 1); copy++) await this.#subscription.handle(envelope, { attempt });
    } catch {
      const backoff = Math.min(MAX_BACKOFF_MS, 25 * 2 ** attempt);
      // Cut short by stop or a lost channel: the message goes back (or already went back) at once.
      await Promise.race([pause(backoff / 2 + Math.random() * (backoff / 2)), this.#stopped, closed]);
      // Throws once the channel is closed: the broker has returned the message already.
      return channel.nack(message, false, true);
    }
    // Throws once the channel is closed: redelivered, and the consumer's inbox makes the second run a no-op.
    channel.ack(message);
  }

  #pause(ms: number): Promise<void> {
    return Promise.race([pause(ms), this.#stopped]);
  }
}

/** Quorum queues count returns (nack with requeue, a closed channel) in `x-delivery-count`; absent on the first delivery. */
function deliveryCount(message: ConsumeMessage): number {
  const count = Number(message.properties.headers?.['x-delivery-count'] ?? 0);
  return Number.isFinite(count) && count > 0 ? count : 0;
}

function settle(action: () => void): void {
  try {
    action();
  } catch {
    // The channel closed meanwhile: the broker returns the message on its own.
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** Closing returns the channel's unacknowledged messages to their queue; a channel closed already is left as is. */
function closeQuietly(channel: Channel): void {
  try {
    channel.close().catch(() => undefined);
  } catch {
    // Closed already.
  }
}
