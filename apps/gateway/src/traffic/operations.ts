import { randomUUID } from 'node:crypto';
import type { LoadHttp } from './load-http.ts';
import type { TrafficKind } from '../console-api/contract.ts';
import { SHOPPER_PASSWORD, type KnownProducts, type Shopper } from './shoppers.ts';

/** The product that is always out of stock, and the card that is always declined (the shop's demo data). */
export const SOLD_OUT_PRODUCT = 'p-soldout';
const PAGE_SIZE = 4;

export interface OperationContext {
  http: LoadHttp;
  shopper: Shopper;
  products: KnownProducts;
  random: () => number;
}

/** One operation: resolves when the shop answered as a shop should, throws otherwise. */
export type Operation = (ctx: OperationContext) => Promise<void>;

/** Registers the shopper the first time (an account left from an earlier run answers 409: fine), then signs in. */
async function signIn({ http, shopper }: OperationContext): Promise<string> {
  if (!shopper.registered) {
    await http.expect([201, 409], 'POST', '/api/v1/auth/register', { body: { email: shopper.email, password: SHOPPER_PASSWORD, name: `Shopper ${shopper.n}` } });
    shopper.registered = true;
  }
  const { body } = await http.expect([200], 'POST', '/api/v1/auth/token', { body: { email: shopper.email, password: SHOPPER_PASSWORD } });
  shopper.token = body.access_token as string;
  return shopper.token;
}

/** The shopper's token, signing in first when there is none (part of the operation that needs it). */
function session(ctx: OperationContext): Promise<string> {
  if (ctx.shopper.token) return Promise.resolve(ctx.shopper.token);
  ctx.shopper.signingIn ??= signIn(ctx).finally(() => (ctx.shopper.signingIn = undefined));
  return ctx.shopper.signingIn;
}

async function readPage(ctx: OperationContext): Promise<void> {
  const { http, shopper, products } = ctx;
  const cursor = shopper.cursor ? `&cursor=${encodeURIComponent(shopper.cursor)}` : '';
  // Shoppers browse signed in, so the shop's rate limit applies to each of them, not to the one
  // address all the generator's requests come from (which an operator's own requests share).
  const { body } = await http.expect([200], 'GET', `/api/v1/products?limit=${PAGE_SIZE}${cursor}`, { token: await session(ctx) });
  products.learn((body.items as Array<{ id: string }>).map((item) => item.id));
  // At the last page, start over from the first.
  shopper.cursor = (body.nextCursor as string | null) ?? undefined;
}

async function browse(ctx: OperationContext): Promise<void> {
  const id = ctx.random() < 0.5 ? ctx.products.pick(ctx.random) : undefined;
  if (!id) return readPage(ctx);
  const version = ctx.random() < 0.3 ? 'v2' : 'v1';
  await ctx.http.expect([200], 'GET', `/api/${version}/products/${encodeURIComponent(id)}`, { token: await session(ctx) });
}

function placeOrder(cardToken: string, items: (ctx: OperationContext) => Promise<Array<{ productId: string; quantity: number }>>): Operation {
  return async (ctx) => {
    const token = await session(ctx);
    const { shopper, http } = ctx;
    const { body } = await http.expect([202], 'POST', '/api/v1/orders', {
      token,
      // A fresh key per checkout: each one is a new order, never a replay of the last.
      headers: { 'idempotency-key': randomUUID() },
      body: {
        items: await items(ctx),
        payment: { cardToken },
        shippingAddress: { name: `Shopper ${shopper.n}`, line1: `${shopper.n} Load Street`, city: 'Utrecht', postalCode: '3511 AA', country: 'NL' },
      },
    });
    shopper.remember(body.id as string);
  };
}

/** One or two of a product the shopper has seen (reading a page first if none yet). */
async function inStockItems(ctx: OperationContext): Promise<Array<{ productId: string; quantity: number }>> {
  let productId = ctx.products.pick(ctx.random, [SOLD_OUT_PRODUCT]);
  if (!productId) {
    await readPage(ctx);
    productId = ctx.products.pick(ctx.random, [SOLD_OUT_PRODUCT]);
  }
  if (!productId) throw new Error('the catalog lists no product to buy');
  return [{ productId, quantity: 1 + Math.floor(ctx.random() * 2) }];
}

const latestOrder = (ctx: OperationContext) => ctx.shopper.orders[ctx.shopper.orders.length - 1];

/** What each kind does. */
export const operations: Record<TrafficKind, Operation> = {
  browse,
  login: async (ctx) => void (await signIn(ctx)),
  checkout: placeOrder('tok_visa', inStockItems),
  declined: placeOrder('tok_declined', inStockItems),
  outOfStock: placeOrder('tok_visa', async () => [{ productId: SOLD_OUT_PRODUCT, quantity: 1 }]),
  orderStatus: async (ctx) => {
    const token = await session(ctx);
    const order = latestOrder(ctx);
    // Mostly the order just placed (a buyer watching it), sometimes the list of all of them.
    if (order && ctx.random() < 0.8) await ctx.http.expect([200], 'GET', `/api/v1/orders/${encodeURIComponent(order)}`, { token });
    else await ctx.http.expect([200], 'GET', '/api/v1/orders?limit=5', { token });
  },
  cancel: async (ctx) => {
    const token = await session(ctx);
    const order = latestOrder(ctx);
    if (!order) throw new Error('no order to cancel');
    // Once confirmed an order cannot be cancelled: 409 is the shop's answer, not a failure.
    await ctx.http.expect([200, 409], 'POST', `/api/v1/orders/${encodeURIComponent(order)}/cancel`, { token });
  },
};

/** A cancel acts on the shopper's last order: without one yet, the shopper checks out instead. */
export function needsOrder(kind: TrafficKind): boolean {
  return kind === 'cancel';
}
