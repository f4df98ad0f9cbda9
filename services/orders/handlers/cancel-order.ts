import type { Principal, ServiceContext } from '@agora/chassis';
import { findOrder, orderDocument, saveOrder } from '../storage/order-store.ts';
import type { OrdersDb } from '../storage/orders-db.ts';
import { decide } from './order-state.ts';
import { ownedOrder } from './query-orders.ts';
import { recordSagaEnd } from './saga-metrics.ts';

/** Cancels a PENDING order; cancelling a cancelled order answers the same order again (idempotent). */
export async function cancelOrder(ctx: ServiceContext<OrdersDb>, id: string, principal: Principal) {
  await ownedOrder(ctx, id, principal);
  const { before, after, document } = await ctx.transaction(async (tx) => {
    const order = (await findOrder(tx.db, id))!;
    const changes = decide(order, { kind: 'customer-cancel' });
    const next = changes ? await saveOrder(tx, order, changes) : order;
    return { before: order, after: next, document: await orderDocument(tx.db, next) };
  });
  recordSagaEnd(ctx.service, before, after);
  return document;
}
