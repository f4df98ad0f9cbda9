import type { Kysely } from 'kysely';
import type { EventEnvelope } from '../contract/events.ts';

export interface DeadLetter {
  seq: number;
  consumer: string;
  eventId: string;
  type: string;
  error: string;
  attempts: number;
  failedAt: string;
  replayedAt: string | null;
}

/** Whether this consumer parked the event and no operator has replayed it yet. */
export async function isParked(db: Kysely<any>, consumer: string, eventId: string): Promise<boolean> {
  const parked = await db.selectFrom('dead_letters').select('seq').where('consumer', '=', consumer).where('event_id', '=', eventId).where('replayed_at', 'is', null).executeTakeFirst();
  return parked !== undefined;
}

/**
 * Where this consumer stands with an event, in one round trip: already handled (its inbox holds it),
 * parked (a dead letter not yet replayed), or neither.
 */
export async function deliveryState(db: Kysely<any>, consumer: string, eventId: string): Promise<'handled' | 'parked' | 'new'> {
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('inbox').select('event_id').where('consumer', '=', consumer).where('event_id', '=', eventId).limit(1).as('handled'),
      eb.selectFrom('dead_letters').select('seq').where('consumer', '=', consumer).where('event_id', '=', eventId).where('replayed_at', 'is', null).limit(1).as('parked'),
    ])
    .executeTakeFirstOrThrow();
  if (row.handled !== null) return 'handled';
  return row.parked !== null ? 'parked' : 'new';
}

/** Returns false when the event was already parked (a redelivered copy). */
export async function recordDeadLetter(db: Kysely<any>, consumer: string, envelope: EventEnvelope, error: Error, attempts: number): Promise<boolean> {
  // A redelivered copy of a parked event is parked once.
  if (await isParked(db, consumer, envelope.id)) return false;
  await db
    .insertInto('dead_letters')
    .values({ consumer, event_id: envelope.id, subject: envelope.subject, envelope: JSON.stringify(envelope), error: error.message || String(error), attempts, failed_at: new Date().toISOString() })
    .execute();
  return true;
}

export async function listDeadLetters(db: Kysely<any>): Promise<DeadLetter[]> {
  const rows = await db.selectFrom('dead_letters').selectAll().orderBy('seq').execute();
  return rows.map((row) => ({
    seq: Number(row.seq),
    consumer: row.consumer,
    eventId: row.event_id,
    type: (JSON.parse(row.envelope) as EventEnvelope).type,
    error: row.error,
    attempts: Number(row.attempts),
    failedAt: row.failed_at,
    replayedAt: row.replayed_at ?? null,
  }));
}

export async function pendingDeadLetters(db: Kysely<any>): Promise<Array<{ seq: number; consumer: string; envelope: EventEnvelope }>> {
  const rows = await db.selectFrom('dead_letters').select(['seq', 'consumer', 'envelope']).where('replayed_at', 'is', null).orderBy('seq').execute();
  return rows.map((row) => ({ seq: Number(row.seq), consumer: row.consumer, envelope: JSON.parse(row.envelope) as EventEnvelope }));
}

export async function markReplayed(db: Kysely<any>, seq: number): Promise<void> {
  await db.updateTable('dead_letters').set({ replayed_at: new Date().toISOString() }).where('seq', '=', seq).execute();
}
