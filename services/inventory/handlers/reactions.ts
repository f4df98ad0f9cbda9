import { consume, type ServiceContext } from '@agora/chassis';
import { orderCancelled, orderCreated } from '@agora/orders/contract/events';
import { shipmentCreated } from '@agora/shipping/contract/events';
import type { InventoryDb } from '../storage/inventory-db.ts';
import { markShipped } from './mark-shipped.ts';
import { release } from './release.ts';
import { reserve } from './reserve.ts';

// Orchestrated orders reach inventory as commands (internal routes); their events are only recorded
// in the inbox, so the saga style decides who drives the reservation, never both.

/** Choreography: a placed order reserves its stock. */
export const reserveStock = consume(orderCreated, 'reserve-stock', async (event, ctx: ServiceContext<InventoryDb>) => {
  if (event.data.saga !== 'choreography') return;
  await reserve(ctx, event.data.orderId, event.data.items, event.data.saga);
});

/** Choreography: a cancelled order gives its stock back (or leaves a tombstone if it arrives first). */
export const releaseStock = consume(orderCancelled, 'release-stock', async (event, ctx: ServiceContext<InventoryDb>) => {
  if (event.data.saga !== 'choreography') return;
  await release(ctx, event.data.orderId, event.data.saga);
});

/** Both styles: stock that left with a shipment moves from reserved to shipped. */
export const markStockShipped = consume(shipmentCreated, 'mark-shipped', async (event, ctx: ServiceContext<InventoryDb>) => {
  await markShipped(ctx, event.data.orderId);
});
