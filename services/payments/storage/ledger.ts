import { defineStorage, problems, type Kysely } from '@agora/chassis';
import { createLedger } from './migrations/001-ledger.ts';

export interface PaymentEventsTable {
  stream_id: string;
  version: number;
  type: LedgerEvent['type'];
  data: string;
  recorded_at: string;
}

export interface PaymentsDb {
  payment_events: PaymentEventsTable;
}

export const paymentsStorage = defineStorage<PaymentsDb>({ '001-ledger': createLedger });

/** What the ledger records. Facts in the past tense; the payment's state is derived from them. */
export type LedgerEvent =
  | { type: 'PaymentCaptured'; data: { userId: string; amountCents: number; currency: string } }
  | { type: 'PaymentDeclined'; data: { userId: string; amountCents: number; currency: string; reason: string } }
  | { type: 'PaymentRefunded'; data: { amountCents: number } }
  | { type: 'PaymentVoided'; data: { userId: string; reason: string } };

export type RecordedEvent = LedgerEvent & { version: number; recordedAt: string };

export async function readStream(db: Kysely<PaymentsDb>, orderId: string): Promise<RecordedEvent[]> {
  const rows = await db.selectFrom('payment_events').selectAll().where('stream_id', '=', orderId).orderBy('version').execute();
  return rows.map((row) => ({ type: row.type, data: JSON.parse(row.data), version: Number(row.version), recordedAt: row.recorded_at }) as RecordedEvent);
}

export async function readAll(db: Kysely<PaymentsDb>): Promise<Map<string, RecordedEvent[]>> {
  const rows = await db.selectFrom('payment_events').selectAll().orderBy('stream_id').orderBy('version').execute();
  const streams = new Map<string, RecordedEvent[]>();
  for (const row of rows) {
    const stream = streams.get(row.stream_id) ?? [];
    stream.push({ type: row.type, data: JSON.parse(row.data), version: Number(row.version), recordedAt: row.recorded_at } as RecordedEvent);
    streams.set(row.stream_id, stream);
  }
  return streams;
}

/**
 * Appends after `expectedVersion`. Two writers expecting the same version collide on the primary
 * key; the loser fails (and its delivery or request is retried against the new state).
 */
export async function append(db: Kysely<PaymentsDb>, orderId: string, expectedVersion: number, events: LedgerEvent[]): Promise<void> {
  const now = new Date().toISOString();
  try {
    await db
      .insertInto('payment_events')
      .values(events.map((event, index) => ({ stream_id: orderId, version: expectedVersion + index + 1, type: event.type, data: JSON.stringify(event.data), recorded_at: now })))
      .execute();
  } catch (error) {
    throw problems.unavailable(`payment ${orderId} changed concurrently; retry`, { extensions: { cause: (error as Error).message } });
  }
}
