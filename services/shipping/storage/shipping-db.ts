import { defineStorage, type Selectable, type Static } from '@agora/chassis';
import type { SagaStyle } from '@agora/orders/contract/shared';
import type { Shipment } from '../contract/api.ts';
import { createShipments } from './migrations/001-shipments.ts';

/** Which saga drives the order; shipping joins events only for choreographed ones. */
export type Saga = Static<typeof SagaStyle>;

/** What shipping has heard about an order so far; flags are 0/1 integers (portable booleans). */
export interface ShipmentJoinsTable {
  order_id: string;
  user_id: string | null;
  /** The shipping address as JSON, from order.created. */
  address: string | null;
  saga: Saga | null;
  has_order: number;
  stock_reserved: number;
  payment_captured: number;
  cancelled: number;
  updated_at: string;
}

export interface ShipmentsTable {
  id: string;
  /** Unique: whatever order and however often the events arrive, an order ships once. */
  order_id: string;
  user_id: string;
  status: 'created' | 'cancelled';
  carrier: string;
  tracking_number: string;
  address: string;
  created_at: string;
  updated_at: string;
}

export interface ShippingDb {
  shipment_joins: ShipmentJoinsTable;
  shipments: ShipmentsTable;
}

export type JoinRow = Selectable<ShipmentJoinsTable>;
export type ShipmentRow = Selectable<ShipmentsTable>;

/** The service's tables (type) and migrations; the chassis adds outbox, inbox and dead letters. */
export const shippingStorage = defineStorage<ShippingDb>({ '001-shipments': createShipments });

/** Row to contract shape: the address and owner stay inside the service. */
export function toShipment(row: ShipmentRow): Static<typeof Shipment> {
  return { id: row.id, orderId: row.order_id, status: row.status, carrier: row.carrier, trackingNumber: row.tracking_number, createdAt: row.created_at };
}
