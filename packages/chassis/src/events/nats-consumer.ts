import { AckPolicy, DeliverPolicy, JetStreamApiError, type ConsumerConfig, type ConsumerMessages, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { EventEnvelope } from '../contract/events.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { Subscription, SubscriptionHandle } from './bus.ts';

export const SUBJECT_PREFIX = 'events';
const MAX_BACKOFF_MS = 30_000;
/** JetStream's "consumer already exists" (with another configuration): update it instead. */
const CONSUMER_EXISTS = 10148;

export interface ConsumerLoopOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  ackWaitMs: number;
  duplicateDeliveries: boolean;
  /** Recreates the stream if NATS lost it (a server started on an empty data folder). */
  ensureStream: () => Promise<void>;
  /** Servers before 2.10 take one filter subject per consumer. */
  filterList: () => boolean;
  logger?: Pick<Logger, 'warn'>;
}

/** JetStream durable names become subject tokens and file names: no '.', '*', '>', slashes or spaces. */
export function durableName(consumer: string): string {
  return consumer.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * One durable pull consumer, run until stopped. The server holds at most `concurrency` unacknowledged
 * messages for it (max_ack_pending), so with 1 the next message is not even sent before the current
 * one is acknowledged, and a failed one (negatively acknowledged with a delay, still pending) blocks
 * those after it: events are applied strictly in stream order, as the SQLite bus does.
 */
export class ConsumerLoop implements SubscriptionHandle {
  readonly #subscription: Subscription;
  readonly #options: ConsumerLoopOptions;
  readonly #name: string;
  readonly #types: ReadonlySet<string>;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #done: Promise<void>;
  #running = true;
  #messages: ConsumerMessages | undefined;
  #wake: () => void = () => {};

  constructor(subscription: Subscription, options: ConsumerLoopOptions) {
    this.#subscription = subscription;
    this.#options = options;
    this.#name = durableName(subscription.consumer);
    this.#types = new Set(subscription.types);
    this.#done = this.#run();
  }

  /** Stops fetching, hands back what was fetched but not started, waits for the handlers in flight. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#messages?.stop();
    this.#wake();
    await this.#done;
  }

  /**
   * The client rides out reconnects itself; this loop restarts what still ends (the connection closed,
   * the consumer or stream deleted, NATS unreachable at start), with a backoff, until stopped.
   */
  async #run(): Promise<void> {
    for (let failures = 0; this.#running; ) {
      try {
        await this.#options.ensureStream();
        await this.#ensureConsumer();
        const consumer = await this.#options.js.consumers.get(this.#options.stream, this.#name);
        const messages = await consumer.consume({ max_messages: this.#subscription.concurrency, expires: 10_000, abort_on_missing_resource: true });
        this.#messages = messages;
        if (!this.#running) messages.stop();
        for await (const message of messages) {
          failures = 0;
          await this.#dispatch(message);
        }
        const ended = await messages.closed();
        if (ended instanceof Error) throw ended;
        if (this.#running) throw new Error('consume ended');
      } catch (error) {
        if (!this.#running) break;
        failures++;
        this.#options.logger?.warn({ consumer: this.#subscription.consumer, err: error, failures }, 'event consumer interrupted; restarting');
        await this.#pause(Math.min(MAX_BACKOFF_MS, 250 * 2 ** failures));
      }
    }
    await Promise.all(this.#inFlight);
  }

  /** Creates the durable consumer, or brings an existing one (another replica's, an older deploy's) to this configuration. */
  async #ensureConsumer(): Promise<void> {
    const { jsm, stream, ackWaitMs } = this.#options;
    const types = [...this.#types];
    const subjects = types.map((type) => `${SUBJECT_PREFIX}.${type}`);
    // Before NATS 2.10 a consumer has one filter: several types take the whole stream, skipped here.
    const filter = this.#options.filterList() ? { filter_subjects: subjects } : { filter_subject: subjects.length === 1 ? subjects[0] : `${SUBJECT_PREFIX}.>` };
    const settings = {
      // The chassis's name, which the durable name cannot carry: the bus's backlog reports by it.
      description: this.#subscription.consumer,
      ack_wait: nanos(ackWaitMs),
      // Unlimited: the chassis decides when an event is dead-lettered (and then acknowledges it).
      max_deliver: -1,
      max_ack_pending: this.#subscription.concurrency,
      ...filter,
    } satisfies Partial<ConsumerConfig>;
    try {
      await jsm.consumers.add(stream, { durable_name: this.#name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...settings });
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== CONSUMER_EXISTS) throw error;
      await jsm.consumers.update(stream, this.#name, settings);
    }
  }

  async #dispatch(message: JsMsg): Promise<void> {
    while (this.#running && this.#inFlight.size >= this.#subscription.concurrency) await Promise.race(this.#inFlight);
    // Fetched after stop: handed back at once, so the next consumer does not wait out ack_wait.
    if (!this.#running) return message.nak();
    if (!this.#types.has(message.subject.slice(SUBJECT_PREFIX.length + 1))) return message.ack();
    // Settling a message throws once the connection is closed; the server redelivers it anyway.
    const work = this.#deliver(message)
      .catch((error) => this.#options.logger?.warn({ consumer: this.#subscription.consumer, seq: message.seq, err: error }, 'event delivery not settled'))
      .finally(() => this.#inFlight.delete(work));
    this.#inFlight.add(work);
  }

  /**
   * Acknowledges after the handler resolved; a throw is redelivered after a jittered exponential
   * backoff (capped at 30 s), the same shape as the SQLite bus, and the attempt is the server's
   * delivery count, so it survives restarts.
   */
  async #deliver(message: JsMsg): Promise<void> {
    let envelope: EventEnvelope;
    try {
      envelope = message.json<EventEnvelope>();
    } catch (error) {
      // Not an envelope: no handler or dead-letter store can take it, and redelivery will not fix it.
      this.#options.logger?.warn({ consumer: this.#subscription.consumer, seq: message.seq, err: error }, 'unreadable event terminated');
      return message.term();
    }
    const attempt = message.info.deliveryCount;
    // A slow handler tells the server it is still working, so the message is not redelivered meanwhile.
    const keepAlive = setInterval(() => {
      try {
        message.working();
      } catch {
        // Closed connection: nothing to extend any more.
      }
    }, this.#options.ackWaitMs / 2);
    try {
      for (let copy = 0; copy < (this.#options.duplicateDeliveries ? 2 : 1); copy++) await this.#subscription.handle(envelope, { attempt });
    } catch {
      const backoff = Math.min(MAX_BACKOFF_MS, 25 * 2 ** attempt);
      // Whole milliseconds: a fraction becomes a fractional count of nanoseconds, which the server
      // cannot read, and it then redelivers at once instead of after the backoff.
      return message.nak(Math.round(backoff / 2 + Math.random() * (backoff / 2)));
    } finally {
      clearInterval(keepAlive);
    }
    try {
      // Waiting for the server's confirmation means a stop right after this cannot lose the ack.
      await message.ackAck();
    } catch (error) {
      // Redelivered after ack_wait; the consumer's inbox makes the second run a no-op.
      this.#options.logger?.warn({ consumer: this.#subscription.consumer, eventId: envelope.id, err: error }, 'event acknowledgement unconfirmed');
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
