import { Type, defineEvent } from '@agora/chassis';

export const productChanged = defineEvent(
  'catalog',
  'product.changed.v1',
  Type.Object({
    productId: Type.String(),
    sku: Type.String(),
    name: Type.String(),
    priceCents: Type.Integer(),
    currency: Type.String(),
    change: Type.Union([Type.Literal('created'), Type.Literal('updated')]),
  }),
  'A product was added or its name or price changed.',
);

export const catalogEvents = [productChanged];
