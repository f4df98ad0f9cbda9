import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { Compile } from 'typebox/compile';
import type { Validator } from 'typebox/compile';
import type { EventDefinition, EventEnvelope } from '../contract/events.ts';
import { currentTraceparent } from '../telemetry/tracing.ts';

const validators = new WeakMap<EventDefinition, Validator>();

/** Builds the envelope for an event, checking the payload against the producer's own schema. */
export function envelopeFor<E extends EventDefinition>(source: string, definition: E, subject: string, data: unknown): EventEnvelope {
  let validator = validators.get(definition);
  if (!validator) {
    validator = Compile(definition.schema);
    validators.set(definition, validator);
  }
  if (!validator.Check(data)) {
    const first = [...validator.Errors(data)][0];
    throw new Error(`${definition.type} payload breaks its contract at ${first?.instancePath || '/'}: ${first?.message}`);
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
    .values(envelopes.map((envelope) => ({ id: envelope.id, type: envelope.type, envelope: JSON.stringify(envelope), created_at: envelope.time })))
    .execute();
}
