import type { EventEnvelope } from '../contract/events.ts';

export interface Delivery {
  /** 1 on first delivery, counting up on every redelivery. */
  attempt: number;
}

export interface Subscription {
  /** Durable consumer name: its position survives restarts. */
  consumer: string;
  types: string[];
  /** Deliveries in flight at once for this consumer. */
  concurrency: number;
  /** Resolve to acknowledge; throw to have the message delivered again after a backoff. */
  handle(envelope: EventEnvelope, delivery: Delivery): Promise<void>;
}

/** One durable consumer's messages still on the bus: delivered but not acknowledged, and not yet delivered. */
export interface ConsumerBacklog {
  /** The chassis's name for it, `<service>.<consumer>`. */
  consumer: string;
  waiting: number;
}

export interface SubscriptionHandle {
  /** Stops fetching, waits for in-flight deliveries to finish. */
  stop(): Promise<void>;
}

/**
 * The event bus port: at-least-once, durable consumers, deduplication of re-published ids.
 * Adapters: an embedded SQLite stream (one process) and NATS JetStream (split topology).
 */
export interface EventBus {
  /** Which adapter carries the events (`sqlite`, `nats`, `rabbitmq`), as operators see it. */
  readonly engine: string;
  publish(envelopes: EventEnvelope[]): Promise<void>;
  subscribe(subscription: Subscription): SubscriptionHandle;
  /**
   * Every durable consumer's backlog, including those nobody is consuming now (a stopped service):
   * a connection that subscribed nothing answers it too, so the gateway can watch events pile up.
   */
  backlog(): Promise<ConsumerBacklog[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
