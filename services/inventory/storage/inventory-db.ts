import { defineStorage, type Selectable, type Static } from '@agora/chassis';
import type { SagaStyle } from '@agora/orders/contract/shared';
import type { ReservationResult, StockLevel } from '../contract/api.ts';
import { createStock } from './migrations/001-stock.ts';

/** Recorded with each reservation and echoed in its events, so orders knows which saga drove it. */
export type Saga = Static<typeof SagaStyle>;

/** 'cancelled' is a tombstone: the order was cancelled before any reservation was asked for. */
export type ReservationStatus = 'reserved' | 'rejected' | 'released' | 'shipped' | 'cancelled';

/** Invariant per product: initial stock + stock added by admins = on_hand + reserved + shipped. */
export interface StockTable {
  product_id: string;
  on_hand: number;
  reserved: number;
  shipped: number;
  updated_at: string;
}

export interface ReservationsTable {
  order_id: string;
  status: ReservationStatus;
  saga: Saga;
  reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReservationLinesTable {
  order_id: string;
  product_id: string;
  quantity: number;
}

export interface InventoryDb {
  stock: StockTable;
  reservations: ReservationsTable;
  reservation_lines: ReservationLinesTable;
}

export type StockRow = Selectable<StockTable>;
export type ReservationRow = Selectable<ReservationsTable>;

/** The service's tables (type) and migrations; the chassis adds outbox, inbox and dead letters. */
export const inventoryStorage = defineStorage<InventoryDb>({ '001-stock': createStock });

/** Row to contract shape; Number() because PostgreSQL drivers may return integers as strings. */
export function toStockLevel(row: StockRow): Static<typeof StockLevel> {
  return { productId: row.product_id, onHand: Number(row.on_hand), reserved: Number(row.reserved), shipped: Number(row.shipped) };
}

/** The contract has no 'cancelled': a tombstone holds nothing, so it reads as released (reserve overrides it to rejected). */
export function toResult(row: ReservationRow): Static<typeof ReservationResult> {
  return { orderId: row.order_id, status: row.status === 'cancelled' ? 'released' : row.status, reason: row.reason };
}
