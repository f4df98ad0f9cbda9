import { connect, type Channel, type ConfirmChannel, type RecoveringChannelModel } from 'amqplib';
import type { EventEnvelope } from '../contract/events.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { ConsumerBacklog, EventBus, Subscription, SubscriptionHandle } from './bus.ts';
import { RabbitConsumer } from './rabbit-consumer.ts';
import { declareExchanges, declareSubscriptionQueue } from './rabbit-topology.ts';

/** How long a publish may wait for the broker's confirms (a broker under a memory alarm blocks publishers). */
const CONFIRM_TIMEOUT_MS = 10_000;
const PING_TIMEOUT_MS = 2_000;
/** AMQP's reply code for a queue that does not exist. */
const NOT_FOUND = 404;
/** Seconds: a broker that stops answering (frozen, partitioned) is noticed in about twice this. */
const HEARTBEAT_S = 10;

export interface RabbitBusOptions {
  /** amqp://user:pass@127.0.0.1:5672 (a `heartbeat` query parameter overrides the 10 s default). */
  url: string;
  /** The durable topic exchange every event is published to, with its type as routing key. */
  exchange?: string;
  /** Deliver every message twice (verification mode: proves every consumer idempotent). */
  duplicateDeliveries?: boolean;
  /** The connection's name in RabbitMQ's connection list. */
  name?: string;
  /** Told when the connection drops or a consumer restarts; the bus recovers on its own either way. */
  logger?: Pick<Logger, 'warn'>;
}

/**
 * The split topology's bus on RabbitMQ: one durable topic exchange, a durable quorum queue per
 * subscription bound to its event types, publisher confirms, a dead-letter exchange for what the
 * broker itself rejects. Semantics mirror the SQLite and NATS buses: at-least-once, durable
 * positions, redelivery with backoff until the chassis acknowledges (handled or dead-lettered).
 *
 * Two differences, both covered by the chassis: RabbitMQ has no deduplication window, so an event
 * published twice is delivered twice (the consumer's inbox makes the second a no-op); and it keeps
 * no history, so a subscription receives the events published after its queue was first declared
 * (`declare` creates queues ahead of the first start).
 */
export class RabbitEventBus implements EventBus {
  readonly engine = 'rabbitmq';
  readonly #connection: RecoveringChannelModel;
  readonly #options: Required<Omit<RabbitBusOptions, 'logger'>> & Pick<RabbitBusOptions, 'logger'>;
  readonly #handles = new Set<SubscriptionHandle>();
  /** The subscription queues this connection declared or consumes: RabbitMQ cannot list queues over AMQP. */
  readonly #queues = new Set<string>();
  #publisher: Promise<ConfirmChannel> | undefined;
  #connected = true;

  private constructor(connection: RecoveringChannelModel, options: RabbitBusOptions) {
    this.#connection = connection;
    this.#options = { exchange: 'agora.events', duplicateDeliveries: false, name: 'agora-events', ...options };
  }

  /** Connects (failing at once when RabbitMQ is unreachable, reconnecting forever afterwards) and declares the exchanges. */
  static async connect(options: RabbitBusOptions): Promise<RabbitEventBus> {
    const connection = await connect(withHeartbeat(options.url), {
      clientProperties: { connection_name: options.name ?? 'agora-events' },
      recovery: { initialDelay: 100, maxDelay: 2_000, initialMaxRetries: 0, waitForConnect: false },
    });
    const bus = new RabbitEventBus(connection, options);
    connection.on('error', (error: Error) => bus.#options.logger?.warn({ err: error }, 'RabbitMQ connection error'));
    connection.on('disconnect', (error: Error) => {
      bus.#connected = false;
      bus.#options.logger?.warn({ err: error }, 'RabbitMQ disconnected; reconnecting');
    });
    connection.on('connect', () => (bus.#connected = true));
    try {
      await connection.waitForConnect();
      await bus.#publishChannel();
      return bus;
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * One confirm channel for every publish, opened (and the exchanges declared, so a broker that lost
   * its data gets them back) on first use after each loss.
   */
  #publishChannel(): Promise<ConfirmChannel> {
    if (this.#publisher) return this.#publisher;
    const opening = (async () => {
      const channel = await this.#connection.createConfirmChannel();
      channel.on('error', (error: Error) => this.#options.logger?.warn({ err: error }, 'RabbitMQ publish channel failed'));
      channel.once('close', () => {
        if (this.#publisher === opening) this.#publisher = undefined;
      });
      await declareExchanges(channel, this.#options.exchange);
      return channel;
    })();
    this.#publisher = opening;
    opening.catch(() => {
      if (this.#publisher === opening) this.#publisher = undefined;
    });
    return opening;
  }

  /** Resolves once RabbitMQ confirmed every envelope (stored in each bound quorum queue); the relay retries a rejection. */
  async publish(envelopes: EventEnvelope[]): Promise<void> {
    // Nothing written while disconnected reaches the broker: fail now, not after the confirm timeout.
    if (!this.#connected) throw new Error('RabbitMQ is disconnected');
    await withTimeout(
      (async () => {
        const channel = await this.#publishChannel();
        await Promise.all(
          envelopes.map(
            (envelope) =>
              new Promise<void>((resolve, reject) => {
                const content = Buffer.from(JSON.stringify(envelope));
                const properties = { persistent: true, messageId: envelope.id, type: envelope.type, contentType: 'application/json', timestamp: Math.floor(Date.parse(envelope.time) / 1000) || undefined };
                // A full write buffer (false) still sends the message; the confirm is what is waited for.
                channel.publish(this.#options.exchange, envelope.type, content, properties, (error: unknown) => (error ? reject(error instanceof Error ? error : new Error(`RabbitMQ refused event ${envelope.id}`)) : resolve()));
              }),
          ),
        );
      })(),
      CONFIRM_TIMEOUT_MS,
      'RabbitMQ did not confirm the publish in time',
    );
  }

  subscribe(subscription: Subscription): SubscriptionHandle {
    this.#queues.add(subscription.consumer);
    const consumer = new RabbitConsumer(subscription, {
      openChannel: () => this.#connection.createChannel(),
      exchange: this.#options.exchange,
      duplicateDeliveries: this.#options.duplicateDeliveries,
      logger: this.#options.logger,
    });
    const handle: SubscriptionHandle = {
      stop: async () => {
        await consumer.stop();
        this.#handles.delete(handle);
      },
    };
    this.#handles.add(handle);
    return handle;
  }

  /**
   * Creates a subscription's queue and bindings without consuming: events published from now on wait
   * in it. RabbitMQ routes an event only to the queues that exist when it is published, so a deploy
   * declares every subscription before the first producer starts.
   */
  async declare(subscription: Pick<Subscription, 'consumer' | 'types'>): Promise<void> {
    if (!this.#connected) throw new Error('RabbitMQ is disconnected');
    const channel = await this.#quietChannel();
    try {
      await declareSubscriptionQueue(channel, this.#options.exchange, subscription.consumer, subscription.types);
      this.#queues.add(subscription.consumer);
    } finally {
      await channel.close().catch(() => undefined);
    }
  }

  /**
   * The queues this connection knows (every service's, for a connection that declared them all, as
   * `connectEventBus` does): a queue outlives its consumer, so a stopped service's events wait there.
   * What is counted is each queue's ready messages (AMQP's `messageCount`): those not yet delivered,
   * and those a closed channel handed back. Messages delivered to a running consumer and not yet
   * acknowledged (at most its prefetch, the consumer's concurrency) are not in it; only the
   * management plugin reports them.
   */
  async backlog(): Promise<ConsumerBacklog[]> {
    if (!this.#connected) throw new Error('RabbitMQ is disconnected');
    return withTimeout(this.#countReady([...this.#queues].sort()), PING_TIMEOUT_MS, 'RabbitMQ did not report its queues in time');
  }

  async #countReady(queues: string[]): Promise<ConsumerBacklog[]> {
    const backlog: ConsumerBacklog[] = [];
    let channel: Channel | undefined;
    try {
      for (const queue of queues) {
        channel ??= await this.#quietChannel();
        try {
          backlog.push({ consumer: queue, waiting: (await channel.checkQueue(queue)).messageCount });
        } catch (error) {
          // Not on the broker (it lost its data): nothing waits in it. The refusal closed the channel.
          if ((error as { code?: unknown }).code !== NOT_FOUND) throw error;
          channel = undefined;
        }
      }
    } finally {
      await channel?.close().catch(() => undefined);
    }
    return backlog;
  }

  /** A channel whose failures are answered to the call that caused them, not raised as events. */
  async #quietChannel(): Promise<Channel> {
    const channel = await this.#connection.createChannel();
    channel.on('error', () => undefined);
    return channel;
  }

  /** Fails at once while disconnected, and when a connected broker does not answer in time. */
  async ping(): Promise<void> {
    if (!this.#connected) throw new Error('RabbitMQ is disconnected');
    await withTimeout(
      this.#publishChannel().then((channel) => channel.checkExchange(this.#options.exchange)),
      PING_TIMEOUT_MS,
      'RabbitMQ did not answer a ping',
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.#handles].map((handle) => handle.stop()));
    await this.#connection.close();
  }
}

function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(HEARTBEAT_S));
  return parsed.toString();
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // Settles later when the timeout wins: its failure then is no longer anyone's concern.
  work.catch(() => undefined);
  const timeout = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
