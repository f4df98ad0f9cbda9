import { Type, defineApi } from '@agora/chassis';
import { SagaStyle, ShippingAddress } from '@agora/orders/contract/shared';

export const Shipment = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  status: Type.Union([Type.Literal('created'), Type.Literal('cancelled')]),
  carrier: Type.String(),
  trackingNumber: Type.String(),
  createdAt: Type.String(),
});

export const shippingApi = defineApi('shipping', '1.0.0', {
  getShipment: {
    method: 'GET',
    path: '/api/v1/shipments/:orderId',
    access: 'user',
    summary: "An order's shipment",
    params: Type.Object({ orderId: Type.String({ minLength: 1, maxLength: 64 }) }),
    response: { 200: Shipment },
  },
  createShipment: {
    method: 'POST',
    path: '/internal/v1/shipments',
    access: 'internal',
    summary: 'Create the shipment of a paid, reserved order (saga command; idempotent per order)',
    body: Type.Object(
      { orderId: Type.String({ minLength: 1 }), userId: Type.String({ minLength: 1 }), address: ShippingAddress, saga: SagaStyle },
      { additionalProperties: false },
    ),
    response: { 200: Shipment },
  },
});
