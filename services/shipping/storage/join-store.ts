import { upsert, type Transaction } from '@agora/chassis';
import type { JoinRow, ShippingDb } from './shipping-db.ts';

export type JoinFlag = 'has_order' | 'stock_reserved' | 'payment_captured' | 'cancelled';

export interface OrderFacts {
  userId: string;
  address: string;
  saga: JoinRow['saga'];
}

/**
 * Sets one flag of an order's join row, creating the row if this is the first event about the order.
 * An upsert (not read-then-write) so two events for the same order serialize on the row: on
 * PostgreSQL and MySQL the second waits for the first to commit and then sees its flag.
 */
export async function raiseFlag(db: Transaction<ShippingDb>, orderId: string, flag: JoinFlag, now: string, facts?: OrderFacts): Promise<JoinRow> {
  const details = facts ? { user_id: facts.userId, address: facts.address, saga: facts.saga } : {};
  await upsert(
    db,
    'shipment_joins',
    { order_id: orderId, user_id: null, address: null, saga: null, has_order: 0, stock_reserved: 0, payment_captured: 0, cancelled: 0, updated_at: now, ...details, [flag]: 1 },
    ['order_id'],
    { ...details, [flag]: 1, updated_at: now },
  );
  return db.selectFrom('shipment_joins').selectAll().where('order_id', '=', orderId).executeTakeFirstOrThrow();
}

/** Everything shipping waits for has happened, and nothing called the order off. */
export function readyToShip(join: JoinRow): boolean {
  return Number(join.has_order) === 1 && Number(join.stock_reserved) === 1 && Number(join.payment_captured) === 1 && Number(join.cancelled) === 0;
}
