import type { ServiceContext, Static } from '@agora/chassis';
import type { CartItems, Quote } from '../contract/api.ts';
import type { OrdersDb } from '../storage/orders-db.ts';
import { priceCart } from './price-cart.ts';

/** Prices a cart as checkout would, through the same catalog call, and stores nothing. */
export async function quoteOrder(ctx: ServiceContext<OrdersDb>, items: Static<typeof CartItems>): Promise<Static<typeof Quote>> {
  const cart = await priceCart(ctx, items, { readOnly: true });
  return {
    items: cart.lines.map((line) => ({
      productId: line.productId,
      name: cart.prices.get(line.productId)!.name,
      quantity: line.quantity,
      unitPriceCents: line.unitPriceCents,
      lineTotalCents: line.quantity * line.unitPriceCents,
    })),
    totalCents: cart.totalCents,
    currency: cart.currency,
  };
}
