// The catalog's development sample products (services/catalog/storage/seed.ts), as the peers hold
// them in memory. Agora's catalog reads the same rows from its database.

export interface Product {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
}

export const products: Product[] = [
  { id: 'p-keyboard', sku: 'KB-100', name: 'Mechanical keyboard', priceCents: 8900, currency: 'EUR' },
  { id: 'p-mouse', sku: 'MS-200', name: 'Wireless mouse', priceCents: 3900, currency: 'EUR' },
  { id: 'p-monitor', sku: 'MN-270', name: '27" monitor', priceCents: 32900, currency: 'EUR' },
  { id: 'p-headset', sku: 'HS-300', name: 'Headset', priceCents: 7900, currency: 'EUR' },
  { id: 'p-webcam', sku: 'WC-400', name: 'Webcam', priceCents: 5900, currency: 'EUR' },
  { id: 'p-dock', sku: 'DK-500', name: 'USB-C dock', priceCents: 14900, currency: 'EUR' },
  { id: 'p-cable', sku: 'CB-600', name: 'USB-C cable', priceCents: 1200, currency: 'EUR' },
  { id: 'p-stand', sku: 'ST-700', name: 'Laptop stand', priceCents: 4500, currency: 'EUR' },
  { id: 'p-lamp', sku: 'LP-800', name: 'Desk lamp', priceCents: 3500, currency: 'EUR' },
  { id: 'p-limited', sku: 'LT-900', name: 'Limited edition keycaps', priceCents: 9900, currency: 'EUR' },
  { id: 'p-soldout', sku: 'SO-999', name: 'Sold-out speaker', priceCents: 19900, currency: 'EUR' },
];

export const productsById = new Map(products.map((product) => [product.id, product]));

/** The rules every hop checks, the same as Agora's contracts (CartItems, PriceLookup, ProductId). */
export const rules = {
  productId: { minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' },
  quantity: { minimum: 1, maximum: 100 },
  items: { minItems: 1, maxItems: 50 },
  ids: { minItems: 1, maxItems: 100 },
} as const;

export interface QuoteLine {
  productId: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

export interface Quote {
  items: QuoteLine[];
  totalCents: number;
  currency: string;
}

/** Orders' own work, the same in every peer: a line per item at the catalog's price, and the total. */
export function priceQuote(items: Array<{ productId: string; quantity: number }>, priced: Product[]): { quote: Quote } | { unknown: { index: number; productId: string } } {
  const byId = new Map(priced.map((product) => [product.id, product]));
  const lines: QuoteLine[] = [];
  for (const [index, item] of items.entries()) {
    const product = byId.get(item.productId);
    if (!product) return { unknown: { index, productId: item.productId } };
    lines.push({ productId: item.productId, name: product.name, quantity: item.quantity, unitPriceCents: product.priceCents, lineTotalCents: item.quantity * product.priceCents });
  }
  return { quote: { items: lines, totalCents: lines.reduce((sum, line) => sum + line.lineTotalCents, 0), currency: priced[0]?.currency ?? 'EUR' } };
}

/** The rules as JSON Schema, for the peers that validate with it (Fastify). */
export const cartJsonSchema = {
  type: 'object',
  required: ['items'],
  additionalProperties: false,
  properties: {
    items: {
      type: 'array',
      ...rules.items,
      items: {
        type: 'object',
        required: ['productId', 'quantity'],
        additionalProperties: false,
        properties: { productId: { type: 'string', ...rules.productId }, quantity: { type: 'integer', ...rules.quantity } },
      },
    },
  },
} as const;

export const lookupJsonSchema = {
  type: 'object',
  required: ['ids'],
  additionalProperties: false,
  properties: { ids: { type: 'array', ...rules.ids, items: { type: 'string', ...rules.productId } } },
} as const;
