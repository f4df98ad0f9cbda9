import { defineStorage, type Selectable } from '@agora/chassis';
import { createOrders } from './migrations/001-orders.ts';
import { createReadModel } from './migrations/002-read-model.ts';
import { createSagas } from './migrations/003-sagas.ts';
import { indexOrdersByTime } from './migrations/004-orders-by-time.ts';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'SHIPPED' | 'CANCELLED';
export type StockState = 'pending' | 'reserved' | 'rejected' | 'released';
export type PaymentState = 'pending' | 'captured' | 'declined' | 'refunded' | 'voided';

export interface OrdersTable {
  id: string;
  user_id: string;
  idempotency_key: string;
  request_hash: string;
  status: OrderStatus;
  reason: string | null;
  items: string;
  total_cents: number;
  currency: string;
  shipping_address: string;
  saga: 'choreography' | 'orchestration';
  stock_state: StockState;
  payment_state: PaymentState;
  /** Optimistic concurrency: every update checks and bumps it, on SQLite and PostgreSQL alike. */
  version: number;
  created_at: string;
  updated_at: string;
}

export interface OrderHistoryTable {
  order_id: string;
  position: number;
  status: OrderStatus;
  reason: string | null;
  at: string;
}

export interface OrderViewsTable {
  order_id: string;
  user_id: string;
  document: string;
  version: number;
  updated_at: string;
}

export interface ProductCacheTable {
  product_id: string;
  sku: string;
  name: string;
  price_cents: number;
  currency: string;
  updated_at: string;
}

export interface SagasTable {
  order_id: string;
  step: string;
  card_token: string;
  /** The checkout request's trace: every step joins it, so one trace shows the whole saga. */
  traceparent: string | null;
  attempts: number;
  next_attempt_at: string;
  log: string;
  updated_at: string;
}

export interface OrdersDb {
  orders: OrdersTable;
  order_history: OrderHistoryTable;
  order_views: OrderViewsTable;
  product_cache: ProductCacheTable;
  sagas: SagasTable;
}

export type OrderRow = Selectable<OrdersTable>;

export const ordersStorage = defineStorage<OrdersDb>({
  '001-orders': createOrders,
  '002-read-model': createReadModel,
  '003-sagas': createSagas,
  '004-orders-by-time': indexOrdersByTime,
});
