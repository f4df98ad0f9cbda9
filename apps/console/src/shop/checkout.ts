import { api } from '../api/client.ts';
import type { Accepted, ShippingAddress } from '../api/types.ts';

export interface CheckoutRequest {
  items: Array<{ productId: string; quantity: number }>;
  cardToken: string;
  shippingAddress: ShippingAddress;
}

/**
 * Places an order. The Idempotency-Key is made once per checkout, so a retried request cannot
 * order twice; the saga then runs on its own (202).
 */
export function placeOrder(token: string, request: CheckoutRequest): Promise<Accepted> {
  return api<Accepted>('/api/v1/orders', {
    token,
    method: 'POST',
    headers: { 'idempotency-key': newIdempotencyKey() },
    body: { items: request.items, payment: { cardToken: request.cardToken }, shippingAddress: request.shippingAddress },
  });
}

/** A random UUID; `crypto.randomUUID` exists only in secure contexts (https, localhost). */
function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
