import { jetstream, jetstreamManager, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { EventEnvelope } from '../contract/events.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { ConsumerBacklog, EventBus, Subscription, SubscriptionHandle } from './bus.ts';
import { ConsumerLoop, SUBJECT_PREFIX } from './nats-consumer.ts';
import { ordinalOrder } from '../ordinal-order.ts';
import { NATS_CLIENT_OPTIONS } from '../nats-client-options.ts';

/** JetStream's "stream name already in use with a different configuration": update it instead. */
const STREAM_EXISTS = 10058;

export interface NatsBusOptions {
  /** One server or several, comma-separated: nats://127.0.0.1:4222 */
  url: string;
  /** The stream holding every event, on subjects `events.<type>`. */
  stream?: string;
  /** Deliver every message twice (verification mode: proves every consumer idempotent). */
  duplicateDeliveries?: boolean;
  /** How long JetStream remembers a message id, so a relay that publishes twice stores the event once. */
  duplicateWindowMs?: number;
  /** How long a delivery may go unacknowledged before it is redelivered; slow handlers extend it. */
  ackWaitMs?: number;
  /** The connection's name in NATS monitoring. */
  name?: string;
  /** Told when a consumer loop restarts; the bus retries on its own either way. */
  logger?: Pick<Logger, 'warn'>;
}

/**
 * The split topology's bus: one JetStream stream, a durable pull consumer per subscription, message
 * ids as JetStream's deduplication key. Semantics mirror the SQLite bus: at-least-once, durable
 * positions, redelivery with backoff until the chassis acknowledges (handled or dead-lettered).
 */
export class NatsEventBus implements EventBus {
  readonly engine = 'nats';
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #options: Required<Omit<NatsBusOptions, 'logger'>> & Pick<NatsBusOptions, 'logger'>;
  readonly #handles = new Set<SubscriptionHandle>();
  #connected = true;

  private constructor(nc: NatsConnection, jsm: JetStreamManager, options: NatsBusOptions) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#js = jetstream(nc);
    this.#options = { stream: 'AGORA_EVENTS', duplicateDeliveries: false, duplicateWindowMs: 2 * 60_000, ackWaitMs: 10_000, name: 'agora-events', ...options };
    void this.#watchConnection();
  }

  async #watchConnection(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (status.type === 'disconnect') this.#connected = false;
      else if (status.type === 'reconnect') this.#connected = true;
    }
  }

  /** Connects (reconnecting forever afterwards) and creates or updates the stream. */
  static async connect(options: NatsBusOptions): Promise<NatsEventBus> {
    const nc = await connect({ ...NATS_CLIENT_OPTIONS, servers: options.url.split(','), name: options.name ?? 'agora-events', reconnectTimeWait: 500 });
    try {
      const bus = new NatsEventBus(nc, await jetstreamManager(nc), options);
      await bus.#ensureStream();
      return bus;
    } catch (error) {
      await nc.close();
      throw error;
    }
  }

  /**
   * Idempotent, and safe when several processes start at once: an identical stream is accepted as
   * is, and one created with other settings (an older deploy) is brought to these.
   */
  async #ensureStream(): Promise<void> {
    const settings = { subjects: [`${SUBJECT_PREFIX}.>`], duplicate_window: nanos(this.#options.duplicateWindowMs) };
    try {
      await this.#jsm.streams.add({ name: this.#options.stream, storage: StorageType.File, retention: RetentionPolicy.Limits, ...settings });
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== STREAM_EXISTS) throw error;
      await this.#jsm.streams.update(this.#options.stream, settings);
    }
  }

  /** Resolves once JetStream stored every envelope (or recognised it as a duplicate); the relay retries a rejection. */
  async publish(envelopes: EventEnvelope[]): Promise<void> {
    // The client discards what is written while it is disconnected: fail now, not after the request timeout.
    if (!this.#connected) throw new Error('NATS is disconnected');
    await Promise.all(
      envelopes.map((envelope) =>
        this.#js.publish(`${SUBJECT_PREFIX}.${envelope.type}`, JSON.stringify(envelope), { msgID: envelope.id, expect: { streamName: this.#options.stream } }),
      ),
    );
  }

  subscribe(subscription: Subscription): SubscriptionHandle {
    const loop = new ConsumerLoop(subscription, {
      js: this.#js,
      jsm: this.#jsm,
      stream: this.#options.stream,
      ackWaitMs: this.#options.ackWaitMs,
      duplicateDeliveries: this.#options.duplicateDeliveries,
      ensureStream: () => this.#ensureStream(),
      filterList: () => supportsFilterList(this.#nc.info?.version),
      logger: this.#options.logger,
    });
    const handle: SubscriptionHandle = {
      stop: async () => {
        await loop.stop();
        this.#handles.delete(handle);
      },
    };
    this.#handles.add(handle);
    return handle;
  }

  /**
   * One listing of the stream's consumers: per durable one, the messages not yet delivered to it
   * (`num_pending`) and those delivered and not acknowledged (`num_ack_pending`, which also holds a
   * failed one waiting out its backoff). Durable consumers outlive their service's process, so this
   * answers for a stopped service too. Before NATS 2.10 a consumer of several types filters on the
   * whole stream, so its count includes the other types it will skip.
   */
  async backlog(): Promise<ConsumerBacklog[]> {
    if (!this.#connected) throw new Error('NATS is disconnected');
    const backlog: ConsumerBacklog[] = [];
    for await (const info of this.#jsm.consumers.list(this.#options.stream)) {
      // Ephemeral consumers (`read`) belong to no service.
      if (!info.config.durable_name) continue;
      backlog.push({ consumer: info.config.description || info.name, waiting: info.num_pending + info.num_ack_pending });
    }
    return backlog.sort((a, b) => ordinalOrder(a.consumer, b.consumer));
  }

  /** Stored events, oldest first (inspection and tests), read with an ephemeral ordered consumer. */
  async read(types?: string[]): Promise<EventEnvelope[]> {
    const { state } = await this.#jsm.streams.info(this.#options.stream);
    if (state.messages === 0) return [];
    const wanted = types?.length ? new Set(types) : undefined;
    const reader = await this.#js.consumers.get(this.#options.stream);
    const messages = await reader.consume();
    const envelopes: EventEnvelope[] = [];
    try {
      for await (const message of messages) {
        const envelope = message.json<EventEnvelope>();
        if (!wanted || wanted.has(envelope.type)) envelopes.push(envelope);
        // Up to the last event stored when the read began: the consumer's pending count alone can stay
        // above zero for good on nats-server 2.9 when the stream grows while it is set up.
        if (message.info.pending === 0 || message.info.streamSequence >= state.last_seq) break;
      }
    } finally {
      messages.stop();
    }
    return envelopes;
  }

  /** Fails at once while disconnected, and when a connected server does not answer in time. */
  async ping(): Promise<void> {
    if (!this.#connected) throw new Error('NATS is disconnected');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => (timer = setTimeout(() => reject(new Error('NATS did not answer a ping')), 2_000)));
    try {
      await Promise.race([this.#nc.rtt(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#handles].map((handle) => handle.stop()));
    if (!this.#nc.isClosed() && !this.#nc.isDraining()) await this.#nc.drain();
  }
}

/** Several filter subjects per consumer came with NATS 2.10. */
function supportsFilterList(version = '0.0.0'): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 10);
}
