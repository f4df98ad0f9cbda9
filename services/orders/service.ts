import { defineService, problems, reply, type Principal } from '@agora/chassis';
import { catalogApi } from '@agora/catalog/contract/api';
import { inventoryApi } from '@agora/inventory/contract/api';
import { paymentsApi } from '@agora/payments/contract/api';
import { shippingApi } from '@agora/shipping/contract/api';
import { ordersApi } from './contract/api.ts';
import { orderEvents } from './contract/events.ts';
import { advanceSaga } from './handlers/advance-saga.ts';
import { cancelOrder } from './handlers/cancel-order.ts';
import { OrdersConfigSchema } from './handlers/config.ts';
import { createOrchestrator } from './handlers/orchestrator.ts';
import { placeOrder, requireIdempotencyKey } from './handlers/place-order.ts';
import { refreshPriceCache } from './handlers/pricing.ts';
import { getOrder, listAllOrders, listOrders } from './handlers/query-orders.ts';
import { quoteOrder } from './handlers/quote-order.ts';
import { projectOrderDetails, readDetails } from './handlers/read-model.ts';
import { ordersStorage } from './storage/orders-db.ts';

function signedIn(principal: Principal | undefined): Principal {
  if (!principal) throw problems.unauthorized('a bearer token is required');
  return principal;
}

/** Orders: checkout, the order state machine, both saga styles, and the order-details read model. */
export const orders = defineService({
  name: 'orders',
  description: 'Orders and their status history; runs the checkout saga (choreography or orchestration) and the order-details read model.',
  api: ordersApi,
  publishes: orderEvents,
  // The orchestrated saga commands these; choreography only needs catalog.
  dependsOn: [catalogApi, inventoryApi, paymentsApi, shippingApi],
  config: OrdersConfigSchema,
  storage: ordersStorage,
  create: (ctx) => ({
    handlers: {
      placeOrder: async ({ body, principal, headers }) => {
        const user = signedIn(principal);
        const order = await placeOrder(ctx, user.sub, requireIdempotencyKey(headers['idempotency-key']), body);
        return reply.accepted({ id: order.id, status: order.status }, { location: `/api/v1/orders/${order.id}` });
      },
      quoteOrder: async ({ body, principal }) => {
        signedIn(principal);
        return reply.ok(await quoteOrder(ctx, body.items));
      },
      listOrders: async ({ query, principal }) => reply.ok(await listOrders(ctx, signedIn(principal).sub, query.limit ?? 20, query.cursor)),
      getOrder: async ({ params, principal }) => reply.ok(await getOrder(ctx, params.id, signedIn(principal))),
      cancelOrder: async ({ params, principal }) => reply.ok(await cancelOrder(ctx, params.id, signedIn(principal))),
      orderDetails: async ({ params, principal }) => {
        const user = signedIn(principal);
        return reply.ok(await readDetails(ctx, params.id, user.sub, user.role === 'admin'));
      },
      listAllOrders: async ({ query }) => reply.ok(await listAllOrders(ctx, query.limit ?? 20)),
    },
    consumers: [advanceSaga, projectOrderDetails, refreshPriceCache],
    workers: [createOrchestrator(ctx)],
  }),
});
