import { Type, defineService, reply } from '@agora/chassis';
import { catalogApi } from '@agora/catalog/contract/api';
import { inventoryApi } from './contract/api.ts';
import { inventoryEvents } from './contract/events.ts';
import { markStockShipped, releaseStock, reserveStock } from './handlers/reactions.ts';
import { release } from './handlers/release.ts';
import { reserve } from './handlers/reserve.ts';
import { listStock, setStock } from './handlers/stock-levels.ts';
import { inventoryStorage, toStockLevel } from './storage/inventory-db.ts';
import { seedInventory } from './storage/seed.ts';

/** Inventory: stock levels and per-order reservations, all or nothing. */
export const inventory = defineService({
  name: 'inventory',
  description: 'Stock and reservations; publishes inventory.reserved/rejected/released.v1.',
  api: inventoryApi,
  publishes: inventoryEvents,
  dependsOn: [catalogApi],
  config: Type.Object({}),
  storage: inventoryStorage,
  create: (ctx) => ({
    handlers: {
      listStock: async () => reply.ok({ items: (await listStock(ctx)).map(toStockLevel) }),
      setStock: async ({ params, body }) => reply.ok(toStockLevel(await setStock(ctx, params.productId, body.onHand))),
      reserve: async ({ body }) => reply.ok(await reserve(ctx, body.orderId, body.items, body.saga)),
      release: async ({ params, body }) => reply.ok(await release(ctx, params.orderId, body.saga)),
    },
    consumers: [reserveStock, releaseStock, markStockShipped],
    seed: () => seedInventory(ctx),
  }),
});
