import { AppError, type Kysely, type Static, type Transaction, type Tx } from '@agora/chassis';
import type { Order as OrderSchema } from '../contract/api.ts';
import { orderCancelled, orderConfirmed } from '../contract/events.ts';
import type { OrderRow, OrdersDb, OrderStatus } from './orders-db.ts';

export type OrderChanges = Partial<Pick<OrderRow, 'status' | 'reason' | 'stock_state' | 'payment_state'>>;

/** Thrown when another writer changed the order first; not terminal, so the delivery or request is retried. */
export class ConcurrentUpdate extends AppError {
  constructor(orderId: string) {
    super('concurrent-update', 503, 'Order changed concurrently', { detail: `order ${orderId} changed meanwhile; retry` });
  }
}

export async function findOrder(db: Kysely<OrdersDb>, id: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function appendHistory(db: Transaction<OrdersDb>, orderId: string, status: OrderStatus, reason: string | null, at: string): Promise<void> {
  const last = await db.selectFrom('order_history').select((eb) => eb.fn.max('position').as('position')).where('order_id', '=', orderId).executeTakeFirst();
  await db.insertInto('order_history').values({ order_id: orderId, position: Number(last?.position ?? 0) + 1, status, reason, at }).execute();
}

/**
 * Writes an order's next state with an optimistic version check, records status changes in the
 * history, and publishes order.confirmed / order.cancelled in the same transaction.
 */
export async function saveOrder(tx: Tx<OrdersDb>, order: OrderRow, changes: OrderChanges): Promise<OrderRow> {
  const now = new Date().toISOString();
  const next: OrderRow = { ...order, ...changes, version: Number(order.version) + 1, updated_at: now };
  const result = await tx.db
    .updateTable('orders')
    .set({ status: next.status, reason: next.reason, stock_state: next.stock_state, payment_state: next.payment_state, version: next.version, updated_at: now })
    .where('id', '=', order.id)
    .where('version', '=', order.version)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new ConcurrentUpdate(order.id);
  if (next.status !== order.status) {
    if (order.status === 'PENDING' && next.status === 'SHIPPED') {
      // Shipping can be seen before both confirmations are: the order was confirmed on the way.
      await appendHistory(tx.db, order.id, 'CONFIRMED', null, now);
      tx.publish(orderConfirmed, order.id, { orderId: order.id, saga: order.saga });
    }
    await appendHistory(tx.db, order.id, next.status, next.reason, now);
    if (next.status === 'CONFIRMED') tx.publish(orderConfirmed, order.id, { orderId: order.id, saga: order.saga });
    if (next.status === 'CANCELLED') tx.publish(orderCancelled, order.id, { orderId: order.id, userId: order.user_id, reason: next.reason ?? 'cancelled', saga: order.saga });
  }
  return next;
}

export async function orderDocument(db: Kysely<OrdersDb>, order: OrderRow): Promise<Static<typeof OrderSchema>> {
  const history = await db.selectFrom('order_history').selectAll().where('order_id', '=', order.id).orderBy('position').execute();
  return {
    id: order.id,
    status: order.status,
    reason: order.reason,
    items: JSON.parse(order.items),
    totalCents: Number(order.total_cents),
    currency: order.currency,
    shippingAddress: JSON.parse(order.shipping_address),
    saga: order.saga,
    createdAt: order.created_at,
    updatedAt: order.updated_at,
    history: history.map((entry) => ({ status: entry.status, reason: entry.reason, at: entry.at })),
  };
}
