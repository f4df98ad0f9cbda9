import { Type, defineEvent } from '@agora/chassis';
import { SagaStyle } from '@agora/orders/contract/shared';

export const shipmentCreated = defineEvent(
  'shipping',
  'shipment.created.v1',
  Type.Object({ orderId: Type.String(), shipmentId: Type.String(), carrier: Type.String(), trackingNumber: Type.String(), saga: SagaStyle }),
  'The order left with a carrier.',
);

export const shipmentCancelled = defineEvent(
  'shipping',
  'shipment.cancelled.v1',
  Type.Object({ orderId: Type.String(), shipmentId: Type.String(), saga: SagaStyle }),
  'A shipment was called back because its order was cancelled.',
);

export const shippingEvents = [shipmentCreated, shipmentCancelled];
