import assert from 'node:assert/strict';
import type { ShopClient } from '../../support/client.ts';

/**
 * What the shop holds, as its API and metrics show it: every product, every stock level, the
 * orders of the given users, the ledger totals, and how many events of each type were published
 * (a registration, a product change, an order, a cancellation: every write publishes one).
 */
export interface ShopState {
  products: unknown[];
  stock: unknown[];
  orders: Record<string, number>;
  ledger: unknown;
  eventsPublished: Record<string, number>;
}

async function allProducts(api: ShopClient): Promise<unknown[]> {
  const products: unknown[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.request('GET', `/api/v1/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(page.status, 200);
    products.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return products;
}

async function orderCount(api: ShopClient, token: string): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const page = await api.request('GET', `/api/v1/orders?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    assert.equal(page.status, 200);
    count += page.body.items.length;
    cursor = page.body.nextCursor;
  } while (cursor);
  return count;
}

export function eventsPublished(metricsText: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of metricsText.matchAll(/^agora_events_published_total\{[^}]*type="([^"]+)"[^}]*\} (\d+(?:\.\d+)?)$/gm)) {
    counts[match[1]!] = (counts[match[1]!] ?? 0) + Number(match[2]);
  }
  return counts;
}

export async function shopState(api: ShopClient, adminToken: string, users: Record<string, string>): Promise<ShopState> {
  const stock = await api.request('GET', '/api/v1/inventory', { token: adminToken });
  const ledger = await api.request('GET', '/api/v1/admin/ledger', { token: adminToken });
  const metrics = await fetch(`${api.baseUrl}/metrics`).then((response) => response.text());
  const orders: Record<string, number> = {};
  for (const [name, token] of Object.entries(users)) orders[name] = await orderCount(api, token);
  return { products: await allProducts(api), stock: stock.body.items, orders, ledger: ledger.body, eventsPublished: eventsPublished(metrics) };
}

/** The state once the sagas in flight are done: two reads a second apart that agree. */
export async function settledState(api: ShopClient, adminToken: string, users: Record<string, string>, timeoutMs = 20_000): Promise<ShopState> {
  const deadline = Date.now() + timeoutMs;
  let last = await shopState(api, adminToken, users);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = await shopState(api, adminToken, users);
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  throw new Error('the shop did not settle');
}
