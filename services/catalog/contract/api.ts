import { Type, defineApi } from '@agora/chassis';

/** A product id as the catalog accepts it; callers validate against the same rule at their own edge. */
export const ProductId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
const Id = ProductId;
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' });

/** v1 of a product. Frozen: fields are only ever added in a new version. */
export const ProductV1 = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  name: Type.String(),
  priceCents: Type.Integer({ minimum: 0 }),
  currency: Type.String(),
});

/** v2 adds fields and removes none: it is v1's properties plus new ones, by construction. */
export const ProductV2 = Type.Object({
  ...ProductV1.properties,
  description: Type.String(),
  category: Type.String(),
  version: Type.Integer(),
  updatedAt: Type.String(),
});

export const ProductPage = Type.Object({ items: Type.Array(ProductV1), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const NewProduct = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    category: Type.Optional(Type.String({ maxLength: 64 })),
    priceCents: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
    currency: Currency,
  },
  { additionalProperties: false },
);

export const ProductChanges = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    category: Type.Optional(Type.String({ maxLength: 64 })),
    priceCents: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PriceLookup = Type.Object({ ids: Type.Array(Id, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false });
export const PriceList = Type.Object({ items: Type.Array(ProductV1) });

export const catalogApi = defineApi('catalog', '2.0.0', {
  listProducts: {
    method: 'GET',
    path: '/api/v1/products',
    access: 'public',
    summary: 'Products, ordered by id, one page at a time (cursor pagination)',
    querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) }),
    response: { 200: ProductPage },
  },
  getProduct: {
    method: 'GET',
    path: '/api/v1/products/:id',
    access: 'public',
    summary: 'One product (v1; superseded by v2)',
    params: Type.Object({ id: Id }),
    response: { 200: ProductV1 },
    deprecated: { since: '2026-06-01T00:00:00Z', sunset: '2027-06-01T00:00:00Z', successor: '/api/v2/products/:id' },
  },
  getProductV2: {
    method: 'GET',
    path: '/api/v2/products/:id',
    access: 'public',
    summary: 'One product with description, category and version',
    params: Type.Object({ id: Id }),
    response: { 200: ProductV2 },
  },
  createProduct: {
    method: 'POST',
    path: '/api/v1/products',
    access: 'admin',
    summary: 'Add a product',
    body: NewProduct,
    response: { 201: ProductV2 },
    retriable: false,
  },
  updateProduct: {
    method: 'PATCH',
    path: '/api/v1/products/:id',
    access: 'admin',
    summary: 'Change a product',
    params: Type.Object({ id: Id }),
    body: ProductChanges,
    response: { 200: ProductV2 },
  },
  lookupPrices: {
    method: 'POST',
    path: '/internal/v1/products/lookup',
    access: 'internal',
    summary: 'Current name and price of several products in one round trip',
    body: PriceLookup,
    response: { 200: PriceList },
  },
});
