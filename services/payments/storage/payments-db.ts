import { defineStorage } from '@agora/chassis';
import { createLedger } from './migrations/001-ledger.ts';

/** What the ledger records. Facts in the past tense; a payment's state is derived from them (handlers/replay.ts). */
export type LedgerEvent =
  | { type: 'PaymentCaptured'; data: { userId: string; amountCents: number; currency: string } }
  | { type: 'PaymentDeclined'; data: { userId: string; amountCents: number; currency: string; reason: string } }
  | { type: 'PaymentRefunded'; data: { amountCents: number } }
  | { type: 'PaymentVoided'; data: { userId: string; reason: string } };

/** One row per ledger event; (stream_id, version) is the primary key, stream_id is the order id. */
export interface PaymentEventsTable {
  stream_id: string;
  version: number;
  type: LedgerEvent['type'];
  /** The event's data as JSON. */
  data: string;
  recorded_at: string;
}

export interface PaymentsDb {
  payment_events: PaymentEventsTable;
}

export const paymentsStorage = defineStorage<PaymentsDb>({ '001-ledger': createLedger });
