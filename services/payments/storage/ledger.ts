import { isUniqueViolation, problems, type Kysely, type Selectable } from '@agora/chassis';
import type { LedgerEvent, PaymentEventsTable, PaymentsDb } from './payments-db.ts';

/** A ledger event as stored: its place in the stream and when it was recorded. */
export type RecordedEvent = LedgerEvent & { version: number; recordedAt: string };

function recorded(row: Selectable<PaymentEventsTable>): RecordedEvent {
  return { type: row.type, data: JSON.parse(row.data), version: Number(row.version), recordedAt: row.recorded_at } as RecordedEvent;
}

/** One order's stream, oldest first. Inside a transaction pass `tx.db`, so the append that follows sees the same stream. */
export async function readStream(db: Kysely<PaymentsDb>, orderId: string): Promise<RecordedEvent[]> {
  const rows = await db.selectFrom('payment_events').selectAll().where('stream_id', '=', orderId).orderBy('version').execute();
  return rows.map(recorded);
}

/** Every stream, for totals an auditor would recompute. */
export async function readAll(db: Kysely<PaymentsDb>): Promise<Map<string, RecordedEvent[]>> {
  const rows = await db.selectFrom('payment_events').selectAll().orderBy('stream_id').orderBy('version').execute();
  const streams = new Map<string, RecordedEvent[]>();
  for (const row of rows) {
    const stream = streams.get(row.stream_id) ?? [];
    stream.push(recorded(row));
    streams.set(row.stream_id, stream);
  }
  return streams;
}

/**
 * The only write to the ledger: inserts after `expectedVersion` (optimistic concurrency; never an
 * update or delete). Two writers expecting the same version collide on the primary key; the loser
 * gets a retriable 503, and its delivery or request is retried against the new state.
 */
export async function append(db: Kysely<PaymentsDb>, orderId: string, expectedVersion: number, events: LedgerEvent[]): Promise<void> {
  const now = new Date().toISOString();
  try {
    await db
      .insertInto('payment_events')
      .values(events.map((event, index) => ({ stream_id: orderId, version: expectedVersion + index + 1, type: event.type, data: JSON.stringify(event.data), recorded_at: now })))
      .execute();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw problems.unavailable(`payment ${orderId} changed concurrently; retry`);
  }
}
