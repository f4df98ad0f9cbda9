import { createHash, randomUUID } from 'node:crypto';
import { currentTraceparent, problems, type ServiceContext, type Static } from '@agora/chassis';
import type { Checkout } from '../contract/api.ts';
import { orderCreated } from '../contract/events.ts';
import { appendHistory } from '../storage/order-store.ts';
import type { OrderRow, OrdersDb } from '../storage/orders-db.ts';
import { initialView } from './read-model.ts';
import { priceCart } from './price-cart.ts';
import type { OrdersConfig } from './config.ts';

const MAX_KEY_LENGTH = 255;

export function requireIdempotencyKey(header: string | string[] | undefined): string {
  const key = typeof header === 'string' ? header.trim() : '';
  if (key === '') throw problems.validation('headers/idempotency-key is required for this write', { errors: [{ field: 'headers/idempotency-key', message: 'is required' }] });
  if (key.length > MAX_KEY_LENGTH) throw problems.validation(`headers/idempotency-key must be at most ${MAX_KEY_LENGTH} characters`, { errors: [{ field: 'headers/idempotency-key', message: `must be at most ${MAX_KEY_LENGTH} characters` }] });
  return key;
}

export function hashRequest(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('base64url');
}

async function existing(ctx: ServiceContext<OrdersDb>, userId: string, key: string, requestHash: string): Promise<OrderRow | undefined> {
  const row = await ctx.db.selectFrom('orders').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', key).executeTakeFirst();
  if (row && row.request_hash !== requestHash) {
    throw problems.unprocessable('this Idempotency-Key was already used with a different request body', { errors: [{ field: 'headers/idempotency-key', message: 'was used with a different body' }] });
  }
  return row;
}

/**
 * Stores the order as PENDING and order.created.v1 in one transaction (outbox): the saga starts
 * exactly when the order exists. The (user, key) unique constraint makes a retried placement
 * return the first order even if the gateway's idempotency record was lost.
 */
export async function placeOrder(ctx: ServiceContext<OrdersDb, OrdersConfig>, userId: string, key: string, checkout: Static<typeof Checkout>): Promise<OrderRow> {
  const requestHash = hashRequest(checkout);
  const already = await existing(ctx, userId, key, requestHash);
  if (already) return already;

  const { lines: items, totalCents, currency, prices } = await priceCart(ctx, checkout.items);
  const now = new Date().toISOString();
  const order: OrderRow = {
    id: `o-${randomUUID()}`,
    user_id: userId,
    idempotency_key: key,
    request_hash: requestHash,
    status: 'PENDING',
    reason: null,
    items: JSON.stringify(items),
    total_cents: totalCents,
    currency,
    shipping_address: JSON.stringify(checkout.shippingAddress),
    saga: ctx.config.SAGA_STYLE,
    stock_state: 'pending',
    payment_state: 'pending',
    version: 1,
    created_at: now,
    updated_at: now,
  };
  try {
    await ctx.transaction(async (tx) => {
      await tx.db.insertInto('orders').values(order).execute();
      await appendHistory(tx.db, order.id, 'PENDING', null, now);
      await initialView(tx.db, order, prices);
      if (order.saga === 'orchestration') {
        await tx.db.insertInto('sagas').values({ order_id: order.id, step: 'reserve', card_token: checkout.payment.cardToken, traceparent: currentTraceparent() ?? null, attempts: 0, next_attempt_at: now, log: '[]', updated_at: now }).execute();
      }
      tx.publish(orderCreated, order.id, {
        orderId: order.id,
        userId,
        items,
        totalCents,
        currency: order.currency,
        payment: { cardToken: checkout.payment.cardToken },
        shippingAddress: checkout.shippingAddress,
        saga: order.saga,
      });
    });
  } catch (error) {
    // Two requests with one key raced past the first check: the unique key let one win.
    const winner = await existing(ctx, userId, key, requestHash);
    if (winner) return winner;
    throw error;
  }
  return order;
}
