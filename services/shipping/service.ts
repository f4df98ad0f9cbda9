import { Type, defineService, problems, reply } from '@agora/chassis';
import { shippingApi } from './contract/api.ts';
import { shippingEvents } from './contract/events.ts';
import { joinOrderCancelled, joinOrderCreated, joinPaymentCaptured, joinStockReserved } from './handlers/checkout-join.ts';
import { getShipment } from './handlers/get-shipment.ts';
import { createShipment } from './handlers/ship-order.ts';
import { shippingStorage, toShipment } from './storage/shipping-db.ts';

/** Shipping: ships an order once its stock is reserved and its payment captured. */
export const shipping = defineService({
  name: 'shipping',
  description: 'Shipments; joins inventory.reserved and payment.captured per order, publishes shipment.created/cancelled.v1.',
  api: shippingApi,
  publishes: shippingEvents,
  dependsOn: [],
  config: Type.Object({}),
  storage: shippingStorage,
  create: (ctx) => ({
    handlers: {
      getShipment: async ({ params, principal }) => {
        if (!principal) throw problems.unauthorized('a bearer token is required');
        return reply.ok(toShipment(await getShipment(ctx, params.orderId, principal)));
      },
      createShipment: async ({ body }) => reply.ok(toShipment(await createShipment(ctx, body))),
    },
    consumers: [joinOrderCreated, joinStockReserved, joinPaymentCaptured, joinOrderCancelled],
  }),
});
