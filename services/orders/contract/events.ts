import { Type, defineEvent } from '@agora/chassis';
import { OrderLine, SagaStyle, ShippingAddress } from './shared.ts';

export const orderCreated = defineEvent(
  'orders',
  'order.created.v1',
  Type.Object({
    orderId: Type.String(),
    userId: Type.String(),
    items: Type.Array(OrderLine),
    totalCents: Type.Integer(),
    currency: Type.String(),
    payment: Type.Object({ cardToken: Type.String() }),
    shippingAddress: ShippingAddress,
    saga: SagaStyle,
  }),
  'An order was placed and waits for stock and payment (the checkout saga starts).',
);

export const orderConfirmed = defineEvent(
  'orders',
  'order.confirmed.v1',
  Type.Object({ orderId: Type.String(), saga: SagaStyle }),
  'Stock is reserved and payment captured for the order.',
);

export const orderCancelled = defineEvent(
  'orders',
  'order.cancelled.v1',
  Type.Object({ orderId: Type.String(), userId: Type.String(), reason: Type.String(), saga: SagaStyle }),
  'The order will not ship: participants compensate (release stock, refund payment, cancel shipment).',
);

export const orderEvents = [orderCreated, orderConfirmed, orderCancelled];
