import { createHash, randomInt, randomUUID } from 'node:crypto';
import { insertOrIgnore, type ServiceContext, type Static, type Tx } from '@agora/chassis';
import type { ShippingAddress } from '@agora/orders/contract/shared';
import { shipmentCreated } from '../contract/events.ts';
import type { Saga, ShipmentRow, ShippingDb } from '../storage/shipping-db.ts';

const CARRIERS = ['DHL', 'PostNL', 'UPS'] as const;
const TRACKING_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Deterministic per order, so a retried or repeated creation never picks a different carrier. */
export function carrierFor(orderId: string): string {
  return CARRIERS[createHash('sha256').update(orderId).digest()[0]! % CARRIERS.length]!;
}

function trackingNumber(): string {
  return Array.from({ length: 12 }, () => TRACKING_ALPHABET[randomInt(TRACKING_ALPHABET.length)]).join('');
}

/** What a shipment needs to know about its order, whichever saga style supplied it. */
export interface ShipmentOrder {
  orderId: string;
  userId: string;
  /** The shipping address as stored: JSON text. */
  address: string;
  saga: Saga;
}

/**
 * Creates the order's shipment and publishes shipment.created.v1, or returns the one that exists.
 * The unique order_id decides races: the insert that loses does nothing and publishes nothing.
 */
export async function shipOnce(tx: Tx<ShippingDb>, order: ShipmentOrder, now: string): Promise<ShipmentRow> {
  const row: ShipmentRow = {
    id: `s-${randomUUID()}`,
    order_id: order.orderId,
    user_id: order.userId,
    status: 'created',
    carrier: carrierFor(order.orderId),
    tracking_number: trackingNumber(),
    address: order.address,
    created_at: now,
    updated_at: now,
  };
  const inserted = await insertOrIgnore(tx.db, 'shipments', row, ['order_id']);
  if (inserted === 0) {
    return tx.db.selectFrom('shipments').selectAll().where('order_id', '=', order.orderId).executeTakeFirstOrThrow();
  }
  tx.publish(shipmentCreated, order.orderId, { orderId: order.orderId, shipmentId: row.id, carrier: row.carrier, trackingNumber: row.tracking_number, saga: order.saga });
  return row;
}

/** The orchestrated saga's command: idempotent per order, answers the existing shipment on a repeat. */
export async function createShipment(
  ctx: ServiceContext<ShippingDb>,
  input: { orderId: string; userId: string; address: Static<typeof ShippingAddress>; saga: Saga },
): Promise<ShipmentRow> {
  return ctx.transaction((tx) => shipOnce(tx, { orderId: input.orderId, userId: input.userId, address: JSON.stringify(input.address), saga: input.saga }, new Date().toISOString()));
}
