import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { check } from '../contract/schema-check.ts';
import type { EnvelopeOf, EventData, EventDefinition, EventEnvelope } from '../contract/events.ts';
import { AppError } from '../contract/problems.ts';
import type { ServiceContext, Tx } from '../service/context.ts';
import type { TransactionOptions } from '../storage/database.ts';
import { insertOrIgnore } from '../storage/upsert.ts';
import type { Logger } from '../telemetry/logger.ts';
import { deadLetters, eventDuration, eventsConsumed } from '../telemetry/metrics.ts';
import { SpanKind, contextFromTraceparent, withSpan } from '../telemetry/tracing.ts';
import type { Delivery, Subscription } from './bus.ts';
import { deliveryState, recordDeadLetter } from './dead-letters.ts';

export interface ConsumerDefinition<DB = any> {
  /** Unique within the service; the durable consumer is `<service>.<name>`. */
  name: string;
  events: readonly EventDefinition[];
  /** Deliveries in flight at once; 1 applies events strictly in bus order (projectors). */
  concurrency?: number;
  handle(event: EventEnvelope<any>, ctx: ServiceContext<DB, any>): Promise<void>;
}

/** Declares a reaction to another service's event. The handler must be safe to run twice; the inbox makes the second run a no-op. */
export function consume<DB, E extends EventDefinition, Config = any>(
  event: E,
  name: string,
  handle: (event: EventEnvelope<EventData<E>>, ctx: ServiceContext<DB, Config>) => Promise<void>,
): ConsumerDefinition<DB> {
  return { name, events: [event], handle: handle as ConsumerDefinition<DB>['handle'] };
}

/** One durable consumer for several events, handled in bus order (a saga step, a read-model projector). */
export function consumeAll<DB, const Events extends readonly EventDefinition[], Config = any>(
  events: Events,
  name: string,
  handle: (event: EnvelopeOf<Events>, ctx: ServiceContext<DB, Config>) => Promise<void>,
  options: { concurrency?: number } = {},
): ConsumerDefinition<DB> {
  return { name, events, concurrency: options.concurrency, handle: handle as ConsumerDefinition<DB>['handle'] };
}

/** Raised inside the handler's transaction when the inbox already holds this event for this consumer. */
class AlreadyHandled extends Error {}

export interface ConsumerRuntime<DB> {
  service: string;
  context: ServiceContext<DB, any>;
  logger: Logger;
  maxDeliver: number;
  concurrency: number;
}

/** A consumer's durable name on the bus: `<service>.<consumer>`. */
export function consumerName(service: string, definition: Pick<ConsumerDefinition, 'name'>): string {
  return `${service}.${definition.name}`;
}

/** Wraps a consumer with inbox deduplication, schema check, tracing, metrics and the dead-letter rule. */
export function subscriptionFor<DB>(definition: ConsumerDefinition<DB>, runtime: ConsumerRuntime<DB>): Subscription {
  const consumer = consumerName(runtime.service, definition);
  const db = runtime.context.db as Kysely<any>;
  return {
    consumer,
    types: definition.events.map((event) => event.type),
    concurrency: definition.concurrency ?? runtime.concurrency,
    async handle(envelope: EventEnvelope, delivery: Delivery): Promise<void> {
      const malformed = malformation(envelope);
      if (malformed) {
        // Not an envelope (no id to deduplicate by, no type to route): parked at once, never handled.
        const parked = quarantined(envelope);
        if (await recordDeadLetter(db, consumer, parked, new AppError('poison-event', 422, 'Malformed event', { detail: malformed }), delivery.attempt)) deadLetters.inc({ service: runtime.service });
        eventsConsumed.inc({ service: runtime.service, consumer, type: parked.type, outcome: 'dead-lettered' });
        runtime.logger.error({ consumer, eventId: parked.id, attempt: delivery.attempt, reason: malformed }, 'malformed event dead-lettered');
        return;
      }
      const labels = { service: runtime.service, consumer, type: envelope.type };
      // A duplicate is skipped before the handler calls anyone; a parked event waits for an
      // operator's replay, and a redelivered copy does not slip past it.
      const state = await deliveryState(db, consumer, envelope.id);
      if (state !== 'new') {
        eventsConsumed.inc({ ...labels, outcome: state === 'handled' ? 'duplicate' : 'parked' });
        return;
      }
      const started = performance.now();
      try {
        await withSpan(runtime.service, `consume ${envelope.type}`, SpanKind.CONSUMER, { 'messaging.message.id': envelope.id, 'messaging.consumer': consumer, 'agora.subject': envelope.subject, 'agora.attempt': delivery.attempt }, async () => {
          checkContract(definition, envelope);
          const handled = await runOnce(definition, runtime.context, consumer, envelope, delivery.attempt);
          runtime.logger.info({ consumer, eventId: envelope.id, type: envelope.type, subject: envelope.subject, attempt: delivery.attempt }, handled ? 'event handled' : 'event already handled');
          eventsConsumed.inc({ ...labels, outcome: handled ? 'ok' : 'duplicate' });
        }, contextFromTraceparent(envelope.traceparent));
      } catch (error) {
        const terminal = error instanceof AppError && error.terminal;
        if (terminal || delivery.attempt >= runtime.maxDeliver) {
          if (await recordDeadLetter(db, consumer, envelope, error as Error, delivery.attempt)) deadLetters.inc({ service: runtime.service });
          eventsConsumed.inc({ ...labels, outcome: 'dead-lettered' });
          runtime.logger.error({ consumer, eventId: envelope.id, type: envelope.type, attempt: delivery.attempt, err: error }, 'event dead-lettered');
          return;
        }
        eventsConsumed.inc({ ...labels, outcome: 'retry' });
        runtime.logger.warn({ consumer, eventId: envelope.id, type: envelope.type, attempt: delivery.attempt, err: error }, 'event handling failed; will be redelivered');
        throw error;
      } finally {
        eventDuration.observe(labels, (performance.now() - started) / 1000);
      }
    },
  };
}

/** What makes a message from the bus unusable as an envelope, if anything. */
function malformation(envelope: unknown): string | undefined {
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return 'the message is not an event envelope';
  const { id, type } = envelope as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') return 'the envelope has no id';
  if (typeof type !== 'string' || type === '') return 'the envelope has no type';
  return undefined;
}

/**
 * A malformed message wrapped as an envelope for the dead-letter store: the message itself is its
 * data, and its id is derived from its content, so a redelivered copy is parked once.
 */
function quarantined(message: unknown): EventEnvelope {
  const fields = typeof message === 'object' && message !== null ? (message as Record<string, unknown>) : {};
  const text = JSON.stringify(message) ?? String(message);
  const id = typeof fields.id === 'string' && fields.id !== '' ? fields.id : `malformed-${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
  return { id, type: typeof fields.type === 'string' && fields.type !== '' ? fields.type : 'unknown', source: 'unknown', subject: '', time: new Date().toISOString(), data: message };
}

/** Refuses, as terminal, an event this consumer does not take or whose payload breaks its schema. */
export function checkContract(definition: ConsumerDefinition, envelope: EventEnvelope): void {
  const event = definition.events.find((candidate) => candidate.type === envelope.type);
  if (!event) throw new AppError('poison-event', 422, 'Event not consumed here', { detail: `${envelope.type} is not one of ${definition.name}'s events` });
  const result = check(event.schema, envelope.data);
  if (!result.ok) {
    const first = result.problems[0];
    throw new AppError('poison-event', 422, 'Event breaks its contract', { detail: `${first?.path} ${first?.message}` });
  }
}

/**
 * Runs the handler with a context whose first transaction also writes the inbox row, so the effect
 * and "this event was handled" commit together. Returns false when another delivery got there first.
 * `attempt` is the bus's delivery count, kept on the inbox row (unknown for an operator's replay).
 */
export async function runOnce<DB>(definition: ConsumerDefinition<DB>, context: ServiceContext<DB, any>, consumer: string, envelope: EventEnvelope, attempt?: number): Promise<boolean> {
  let recorded = false;
  const markHandled = async (trx: Kysely<any>) => {
    const row = { consumer, event_id: envelope.id, event_type: envelope.type, subject: envelope.subject, attempts: attempt ?? null, handled_at: new Date().toISOString() };
    const inserted = await insertOrIgnore(trx, 'inbox', row, ['consumer', 'event_id']);
    if (inserted === 0) throw new AlreadyHandled();
  };
  const scoped: ServiceContext<DB, any> = {
    ...context,
    transaction: async <T>(work: (tx: Tx<DB>) => Promise<T>, options?: TransactionOptions) => {
      let markedHere = false;
      const result = await context.transaction(async (tx) => {
        if (!recorded) {
          await markHandled(tx.db as unknown as Kysely<any>);
          markedHere = true;
        }
        return work(tx);
      }, options);
      // Only a committed transaction holds the inbox row; a rolled-back one leaves it to the next.
      if (markedHere) recorded = true;
      return result;
    },
  };
  try {
    await definition.handle(envelope, scoped);
    if (!recorded) await context.transaction(async (tx) => markHandled(tx.db as unknown as Kysely<any>));
    return true;
  } catch (error) {
    if (error instanceof AlreadyHandled) return false;
    throw error;
  }
}
