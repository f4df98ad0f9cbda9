import { Type, defineService, reply } from '@agora/chassis';
import { catalogApi } from './contract/api.ts';
import { catalogEvents } from './contract/events.ts';
import { findProduct, listProducts, lookupProducts } from './handlers/browse.ts';
import { createProduct, updateProduct } from './handlers/manage.ts';
import { catalogStorage, toV1, toV2 } from './storage/catalog-db.ts';
import { seedCatalog } from './storage/seed.ts';

/** Catalog: products and their prices. */
export const catalog = defineService({
  name: 'catalog',
  description: 'Products and prices; publishes product.changed.v1.',
  api: catalogApi,
  publishes: catalogEvents,
  dependsOn: [],
  config: Type.Object({}),
  storage: catalogStorage,
  create: (ctx) => ({
    handlers: {
      listProducts: async ({ query }) => {
        const page = await listProducts(ctx, query.limit ?? 20, query.cursor);
        return reply.ok({ items: page.rows.map(toV1), nextCursor: page.nextCursor });
      },
      getProduct: async ({ params }) => reply.ok(toV1(await findProduct(ctx, params.id))),
      getProductV2: async ({ params }) => reply.ok(toV2(await findProduct(ctx, params.id))),
      createProduct: async ({ body }) => {
        const row = await createProduct(ctx, body);
        return reply.created(toV2(row), { location: `/api/v2/products/${row.id}` });
      },
      updateProduct: async ({ params, body }) => reply.ok(toV2(await updateProduct(ctx, params.id, body))),
      lookupPrices: async ({ body }) => reply.ok({ items: (await lookupProducts(ctx, body.ids)).map(toV1) }),
    },
    seed: () => seedCatalog(ctx),
  }),
});
