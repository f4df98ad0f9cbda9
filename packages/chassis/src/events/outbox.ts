import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { check } from '../contract/schema-check.ts';
import type { EventDefinition, EventEnvelope } from '../contract/events.ts';
import { currentTraceparent } from '../telemetry/tracing.ts';

/** Builds the envelope for an event, checking the payload against the producer's own schema. */
export function envelopeFor<E extends EventDefinition>(source: string, definition: E, subject: string, data: unknown): EventEnvelope {
  const result = check(definition.schema, data);
  if (!result.ok) {
    const first = result.problems[0];
    throw new Error(`${definition.type} payload breaks its contract at ${first?.path}: ${first?.message}`);
  }
  return {
    id: randomUUID(),
    type: definition.type,
    source,
    subject,
    time: new Date().toISOString(),
    traceparent: currentTraceparent(),
    data,
  };
}

/** Writes events in the caller's transaction: they exist exactly when the state change does. */
export async function appendToOutbox(trx: Kysely<any>, envelopes: EventEnvelope[]): Promise<void> {
  if (envelopes.length === 0) return;
  await trx
    .insertInto('outbox')
    .values(envelopes.map((envelope) => ({ id: envelope.id, type: envelope.type, subject: envelope.subject, envelope: JSON.stringify(envelope), created_at: envelope.time })))
    .execute();
}
