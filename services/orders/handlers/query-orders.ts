import { problems, type Principal, type ServiceContext } from '@agora/chassis';
import { findOrder, orderDocument } from '../storage/order-store.ts';
import type { OrderRow, OrdersDb } from '../storage/orders-db.ts';

/** Someone else's order is "not found", never "forbidden": its existence is not revealed. */
export async function ownedOrder(ctx: ServiceContext<OrdersDb>, id: string, principal: Principal): Promise<OrderRow> {
  const order = await findOrder(ctx.db, id);
  if (!order || (order.user_id !== principal.sub && principal.role !== 'admin')) throw problems.notFound(`order ${id} does not exist`);
  return order;
}

export async function getOrder(ctx: ServiceContext<OrdersDb>, id: string, principal: Principal) {
  return orderDocument(ctx.db, await ownedOrder(ctx, id, principal));
}

function encodeCursor(order: { created_at: string; id: string }): string {
  return Buffer.from(JSON.stringify([order.created_at, order.id])).toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) return value as [string, string];
  } catch {
    // fall through
  }
  throw problems.validation('querystring/cursor is not a cursor this API issued', { errors: [{ field: 'querystring/cursor', message: 'is not a valid cursor' }] });
}

/** Every user's newest orders, for operators watching the shop. */
export async function listAllOrders(ctx: ServiceContext<OrdersDb>, limit: number) {
  const rows = await ctx.db
    .selectFrom('orders')
    .select(['id', 'status', 'total_cents', 'currency', 'created_at', 'user_id'])
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return { items: rows.map((row) => ({ id: row.id, status: row.status, totalCents: Number(row.total_cents), currency: row.currency, createdAt: row.created_at, userId: row.user_id })) };
}

/** Newest first, keyset-paginated on (created_at, id) so pages stay stable while orders arrive. */
export async function listOrders(ctx: ServiceContext<OrdersDb>, userId: string, limit: number, cursor: string | undefined) {
  let query = ctx.db
    .selectFrom('orders')
    .select(['id', 'status', 'total_cents', 'currency', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1);
  if (cursor) {
    const [createdAt, id] = decodeCursor(cursor);
    query = query.where((eb) => eb.or([eb('created_at', '<', createdAt), eb.and([eb('created_at', '=', createdAt), eb('id', '<', id)])]));
  }
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map((row) => ({ id: row.id, status: row.status, totalCents: Number(row.total_cents), currency: row.currency, createdAt: row.created_at })),
    nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null,
  };
}
