import { problems, type ServiceContext, type Static } from '@agora/chassis';
import type { CartItems } from '../contract/api.ts';
import type { OrdersDb } from '../storage/orders-db.ts';
import { priceProducts, type PricedProduct } from './pricing.ts';

/** Amounts are stored as 32-bit integers of cents on every database; a larger order is refused rather than failed by the database. */
export const MAX_TOTAL_CENTS = 2_147_483_647;

export interface PricedCart {
  lines: Array<{ productId: string; quantity: number; unitPriceCents: number }>;
  totalCents: number;
  currency: string;
  /** Every product of the cart as it was priced (name included), by id. */
  prices: Map<string, PricedProduct>;
}

/**
 * Prices a cart at current prices, one line per item. Checkout and quote both price through here,
 * so a quote shows what placing the same cart would charge, and refuses what placing would refuse:
 * an unknown product (naming the item), mixed currencies, a total no order may reach.
 */
export async function priceCart(ctx: ServiceContext<OrdersDb>, items: Static<typeof CartItems>, options: { readOnly?: boolean } = {}): Promise<PricedCart> {
  const prices = await priceProducts(ctx, items.map((item) => item.productId), options);
  const lines = items.map((item, index) => {
    const product = prices.get(item.productId);
    if (!product) throw problems.unprocessable(`product ${item.productId} does not exist`, { errors: [{ field: `body/items/${index}/productId`, message: 'is not a product' }] });
    return { productId: item.productId, quantity: item.quantity, unitPriceCents: product.priceCents, currency: product.currency };
  });
  const currencies = new Set(lines.map((line) => line.currency));
  if (currencies.size > 1) throw problems.unprocessable('all items of an order must have the same currency');
  const totalCents = lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  if (totalCents > MAX_TOTAL_CENTS) {
    throw problems.unprocessable(`the order totals ${totalCents} cents, more than one order may (${MAX_TOTAL_CENTS})`, { errors: [{ field: 'body/items', message: 'add up to more than one order may total' }] });
  }
  return { lines: lines.map(({ currency: _currency, ...line }) => line), totalCents, currency: lines[0]!.currency, prices };
}
