import { consumeAll, type ServiceContext } from '@agora/chassis';
import { inventoryRejected, inventoryReleased, inventoryReserved } from '@agora/inventory/contract/events';
import { paymentCaptured, paymentDeclined, paymentRefunded } from '@agora/payments/contract/events';
import { shipmentCreated } from '@agora/shipping/contract/events';
import { findOrder, saveOrder } from '../storage/order-store.ts';
import type { OrdersDb } from '../storage/orders-db.ts';
import { decide, type SagaFact } from './order-state.ts';
import { recordSagaEnd } from './saga-metrics.ts';

const participantEvents = [inventoryReserved, inventoryRejected, inventoryReleased, paymentCaptured, paymentDeclined, paymentRefunded, shipmentCreated] as const;

/** Applies one fact to an order in a transaction; a no-op when the fact is already known. */
export async function applyFact(ctx: ServiceContext<OrdersDb>, orderId: string, fact: SagaFact): Promise<void> {
  const changed = await ctx.transaction(async (tx) => {
    const order = await findOrder(tx.db, orderId);
    if (!order) {
      ctx.logger.warn({ orderId, fact: fact.kind }, 'fact about an unknown order ignored');
      return undefined;
    }
    const changes = decide(order, fact);
    return changes ? { before: order, after: await saveOrder(tx, order, changes) } : undefined;
  });
  if (changed) recordSagaEnd(ctx.service, changed.before, changed.after);
}

/**
 * The orders side of the choreography: what inventory, payments and shipping did decides the
 * order's state. A rejection or decline cancels the order, and order.cancelled.v1 makes the other
 * participants compensate. The same facts arrive as command answers in the orchestrated style.
 */
export const advanceSaga = consumeAll(participantEvents, 'advance-saga', async (event, ctx: ServiceContext<OrdersDb>) => {
  const fact: SagaFact = (() => {
    switch (event.type) {
      case 'inventory.reserved.v1':
        return { kind: 'stock-reserved' } as const;
      case 'inventory.rejected.v1':
        return { kind: 'stock-rejected', reason: event.data.reason } as const;
      case 'inventory.released.v1':
        return { kind: 'stock-released' } as const;
      case 'payment.captured.v1':
        return { kind: 'payment-captured' } as const;
      case 'payment.declined.v1':
        return { kind: 'payment-declined', reason: event.data.reason } as const;
      case 'payment.refunded.v1':
        return { kind: 'payment-refunded' } as const;
      case 'shipment.created.v1':
        return { kind: 'shipped' } as const;
    }
  })();
  await applyFact(ctx, event.data.orderId, fact);
});
