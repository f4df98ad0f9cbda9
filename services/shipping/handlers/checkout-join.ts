import { consume, type ServiceContext, type Tx } from '@agora/chassis';
import { inventoryReserved } from '@agora/inventory/contract/events';
import { orderCancelled, orderCreated } from '@agora/orders/contract/events';
import { paymentCaptured } from '@agora/payments/contract/events';
import { shipmentCancelled } from '../contract/events.ts';
import { raiseFlag, readyToShip, type JoinFlag, type OrderFacts } from '../storage/join-store.ts';
import type { Saga, ShippingDb } from '../storage/shipping-db.ts';
import { shipOnce } from './ship-order.ts';

/**
 * Records one fact about an order and, in the same transaction, ships it if that fact completed the
 * join. The events arrive in any order, concurrently and more than once; whichever completes the
 * join ships, and the unique order_id on shipments keeps it to one shipment.
 */
async function record(ctx: ServiceContext<ShippingDb>, orderId: string, flag: JoinFlag, saga: Saga, facts?: OrderFacts): Promise<void> {
  await ctx.transaction(async (tx) => {
    const now = new Date().toISOString();
    const join = await raiseFlag(tx.db, orderId, flag, now, facts);
    if (flag === 'cancelled') return callBack(tx, orderId, saga, now);
    if (!readyToShip(join)) return;
    await shipOnce(tx, { orderId, userId: join.user_id!, address: join.address!, saga: join.saga ?? saga }, now);
  });
}

/** A cancelled order's shipment, if one left already, is called back (inventory returns its stock). */
async function callBack(tx: Tx<ShippingDb>, orderId: string, saga: Saga, now: string): Promise<void> {
  const shipment = await tx.db.selectFrom('shipments').select(['id', 'status']).where('order_id', '=', orderId).executeTakeFirst();
  if (!shipment || shipment.status !== 'created') return;
  const updated = await tx.db.updateTable('shipments').set({ status: 'cancelled', updated_at: now }).where('order_id', '=', orderId).where('status', '=', 'created').executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 1) tx.publish(shipmentCancelled, orderId, { orderId, shipmentId: shipment.id, saga });
}

// Orchestrated orders are shipped by command (createShipment); their events are only recorded in the inbox.

/** The order itself: who gets it and where it goes. */
export const joinOrderCreated = consume(orderCreated, 'join-order-created', async (event, ctx: ServiceContext<ShippingDb>) => {
  if (event.data.saga !== 'choreography') return;
  await record(ctx, event.data.orderId, 'has_order', event.data.saga, { userId: event.data.userId, address: JSON.stringify(event.data.shippingAddress), saga: event.data.saga });
});

/** Inventory holds the order's items. */
export const joinStockReserved = consume(inventoryReserved, 'join-stock-reserved', async (event, ctx: ServiceContext<ShippingDb>) => {
  if (event.data.saga !== 'choreography') return;
  await record(ctx, event.data.orderId, 'stock_reserved', event.data.saga);
});

/** Payments charged the order. */
export const joinPaymentCaptured = consume(paymentCaptured, 'join-payment-captured', async (event, ctx: ServiceContext<ShippingDb>) => {
  if (event.data.saga !== 'choreography') return;
  await record(ctx, event.data.orderId, 'payment_captured', event.data.saga);
});

/** Cancelled before the join completed: never ships. Cancelled after: the shipment is called back. */
export const joinOrderCancelled = consume(orderCancelled, 'join-order-cancelled', async (event, ctx: ServiceContext<ShippingDb>) => {
  if (event.data.saga !== 'choreography') return;
  await record(ctx, event.data.orderId, 'cancelled', event.data.saga);
});
