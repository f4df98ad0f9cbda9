import { consumeAll, problems, type ServiceContext, type Static, type Transaction } from '@agora/chassis';
import { inventoryRejected, inventoryReleased, inventoryReserved } from '@agora/inventory/contract/events';
import { paymentCaptured, paymentDeclined, paymentRefunded } from '@agora/payments/contract/events';
import { shipmentCancelled, shipmentCreated } from '@agora/shipping/contract/events';
import type { OrderDetails } from '../contract/api.ts';
import { orderCancelled, orderConfirmed } from '../contract/events.ts';
import type { OrderRow, OrdersDb } from '../storage/orders-db.ts';
import type { PricedProduct } from './pricing.ts';

type Details = Static<typeof OrderDetails>;

/** The first version of the document, written with the order itself. */
export async function initialView(db: Transaction<OrdersDb>, order: OrderRow, products: Map<string, PricedProduct>): Promise<void> {
  const items = (JSON.parse(order.items) as Array<{ productId: string; quantity: number; unitPriceCents: number }>).map((line) => ({
    ...line,
    productName: products.get(line.productId)?.name ?? line.productId,
  }));
  const document: Details = {
    id: order.id,
    status: 'PENDING',
    reason: null,
    totalCents: Number(order.total_cents),
    currency: order.currency,
    items,
    stock: 'pending',
    payment: null,
    shipment: null,
    history: [{ status: 'PENDING', reason: null, at: order.created_at }],
    updatedAt: order.created_at,
  };
  await db.insertInto('order_views').values({ order_id: order.id, user_id: order.user_id, document: JSON.stringify(document), version: 1, updated_at: order.created_at }).execute();
}

function withStatus(document: Details, status: Details['status'], reason: string | null, at: string): Details {
  if (document.status === status || document.status === 'CANCELLED') return document;
  return { ...document, status, reason, history: [...document.history, { status, reason, at }] };
}

/**
 * Stock and payment only move forward, so an event applied late (a dead letter replayed after the
 * saga went on) cannot take the document back to an earlier state.
 */
const STOCK_STAGE: Record<Details['stock'], number> = { pending: 0, reserved: 1, rejected: 2, released: 2 };
const PAYMENT_STAGE = { captured: 1, declined: 2, refunded: 2 } as const;

function withStock(document: Details, stock: Details['stock']): Details {
  return STOCK_STAGE[stock] > STOCK_STAGE[document.stock] ? { ...document, stock } : document;
}

function withPayment(document: Details, payment: NonNullable<Details['payment']>): Details {
  const current = document.payment ? PAYMENT_STAGE[document.payment.status] : 0;
  return PAYMENT_STAGE[payment.status] > current ? { ...document, payment } : document;
}

const projected = [orderConfirmed, orderCancelled, inventoryReserved, inventoryRejected, inventoryReleased, paymentCaptured, paymentDeclined, paymentRefunded, shipmentCreated, shipmentCancelled] as const;

/**
 * The query side of CQRS: folds every service's events about an order into one document, so the
 * details page is one read and never calls four services. Applied strictly in bus order.
 */
export const projectOrderDetails = consumeAll(
  projected,
  'project-order-details',
  async (event, ctx: ServiceContext<OrdersDb>) => {
    await ctx.transaction(async (tx) => {
      const row = await tx.db.selectFrom('order_views').selectAll().where('order_id', '=', event.data.orderId).executeTakeFirst();
      // Events about orders placed elsewhere would be a contract breach; a missing view is retried.
      if (!row) throw problems.unavailable(`no view yet for order ${event.data.orderId}`);
      const current = JSON.parse(row.document) as Details;
      const at = event.time;
      let next: Details = current;
      switch (event.type) {
        case 'order.confirmed.v1':
          next = current.status === 'PENDING' ? withStatus(current, 'CONFIRMED', null, at) : current;
          break;
        case 'order.cancelled.v1':
          next = withStatus(current, 'CANCELLED', event.data.reason, at);
          break;
        case 'inventory.reserved.v1':
          next = withStock(current, 'reserved');
          break;
        case 'inventory.rejected.v1':
          next = withStock(current, 'rejected');
          break;
        case 'inventory.released.v1':
          next = withStock(current, 'released');
          break;
        case 'payment.captured.v1':
          next = withPayment(current, { status: 'captured', amountCents: event.data.amountCents, refundedCents: 0, reason: null });
          break;
        case 'payment.declined.v1':
          next = withPayment(current, { status: 'declined', amountCents: 0, refundedCents: 0, reason: event.data.reason });
          break;
        case 'payment.refunded.v1':
          next = withPayment(current, { status: 'refunded', amountCents: current.payment?.amountCents ?? event.data.amountCents, refundedCents: event.data.amountCents, reason: null });
          break;
        case 'shipment.created.v1': {
          const shipped = current.status === 'PENDING' ? withStatus(current, 'CONFIRMED', null, at) : current;
          next = { ...withStatus(shipped, 'SHIPPED', null, at), shipment: { id: event.data.shipmentId, carrier: event.data.carrier, trackingNumber: event.data.trackingNumber } };
          break;
        }
        case 'shipment.cancelled.v1':
          next = { ...current, shipment: null };
          break;
      }
      next = { ...next, updatedAt: at };
      const result = await tx.db
        .updateTable('order_views')
        .set({ document: JSON.stringify(next), version: Number(row.version) + 1, updated_at: at })
        .where('order_id', '=', row.order_id)
        .where('version', '=', row.version)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw problems.unavailable(`view of order ${row.order_id} changed meanwhile`);
    });
  },
  { concurrency: 1 },
);

export async function readDetails(ctx: ServiceContext<OrdersDb>, orderId: string, userId: string, isAdmin: boolean): Promise<Details> {
  const row = await ctx.db.selectFrom('order_views').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  if (!row || (row.user_id !== userId && !isAdmin)) throw problems.notFound(`order ${orderId} does not exist`);
  return JSON.parse(row.document) as Details;
}
