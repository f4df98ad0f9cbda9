import { Type, defineApi, defineService, defineStorage, reply, type ServiceDefinition } from '@agora/chassis';
import { catalogApi } from './api.ts';

export interface StubProduct {
  sku: string;
  name: string;
  priceCents: number;
}

/**
 * A stand-in catalog for the tests of services that call it: only the price lookup, as this
 * contract declares it, answering from `products` as they are at each call (a test may change a
 * price meanwhile). `lookups` records the ids of every lookup, in order.
 */
export function catalogLookupStub(products: Record<string, StubProduct>): { service: ServiceDefinition; lookups: string[][] } {
  const lookups: string[][] = [];
  const service = defineService({
    name: 'catalog',
    description: "The catalog's price lookup over a fixed product list.",
    api: defineApi('catalog', catalogApi.version, { lookupPrices: catalogApi.routes.lookupPrices }),
    publishes: [],
    dependsOn: [],
    config: Type.Object({}),
    storage: defineStorage({}),
    create: () => ({
      handlers: {
        lookupPrices: async ({ body }) => {
          lookups.push(body.ids);
          const known = body.ids.filter((id) => Object.hasOwn(products, id));
          return reply.ok({ items: known.map((id) => ({ id, ...products[id]!, currency: 'EUR' })) });
        },
      },
    }),
  });
  return { service, lookups };
}
