import { Type, defineApi } from '@agora/chassis';
import { ProductId } from '@agora/catalog/contract/api';
import { SagaStyle } from '@agora/orders/contract/shared';

export const StockLevel = Type.Object({
  productId: Type.String(),
  onHand: Type.Integer({ description: 'available to reserve' }),
  reserved: Type.Integer({ description: 'held for orders not yet shipped' }),
  shipped: Type.Integer({ description: 'left with a shipment' }),
});

export const ReservationRequest = Type.Object(
  {
    orderId: Type.String({ minLength: 1 }),
    items: Type.Array(Type.Object({ productId: Type.String(), quantity: Type.Integer({ minimum: 1 }) }), { minItems: 1 }),
    saga: SagaStyle,
  },
  { additionalProperties: false },
);

export const ReservationResult = Type.Object({
  orderId: Type.String(),
  status: Type.Union([Type.Literal('reserved'), Type.Literal('rejected'), Type.Literal('released'), Type.Literal('shipped')]),
  reason: Type.Union([Type.String(), Type.Null()]),
});

/** The catalog's rule for a product id, so no stock is kept under a name no product can have. */
const ProductIdParams = Type.Object({ productId: ProductId });

export const inventoryApi = defineApi('inventory', '1.0.0', {
  listStock: { method: 'GET', path: '/api/v1/inventory', access: 'admin', summary: 'Stock levels of every product', response: { 200: Type.Object({ items: Type.Array(StockLevel) }) } },
  setStock: {
    method: 'PUT',
    path: '/api/v1/inventory/:productId',
    access: 'admin',
    summary: 'Set the quantity on hand of a product (404 if the catalog has no such product)',
    params: ProductIdParams,
    body: Type.Object({ onHand: Type.Integer({ minimum: 0, maximum: 1_000_000 }) }, { additionalProperties: false }),
    response: { 200: StockLevel },
  },
  reserve: {
    method: 'POST',
    path: '/internal/v1/reservations',
    access: 'internal',
    summary: 'Reserve all items of an order, or none (saga command; idempotent per order)',
    body: ReservationRequest,
    response: { 200: ReservationResult },
  },
  release: {
    method: 'POST',
    path: '/internal/v1/reservations/:orderId/release',
    access: 'internal',
    summary: "Give an order's reserved stock back (compensation; idempotent)",
    params: Type.Object({ orderId: Type.String({ minLength: 1 }) }),
    body: Type.Object({ saga: SagaStyle }, { additionalProperties: false }),
    response: { 200: ReservationResult },
  },
});
