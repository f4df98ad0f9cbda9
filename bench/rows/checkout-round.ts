// One round of the checkout row against one shop: buyers keep `inFlight` orders between their POST
// and SHIPPED for `seconds`, then the shop drains what it holds; how many shipped, and when.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export const PRODUCT = 'p-cable';
const WATCH_EVERY_MS = 25;
const PAGE = 100;

export interface Buyer {
  token: string;
}

export interface CheckoutShop {
  url: string;
  admin: string;
  buyers: Buyer[];
}

export interface RoundOptions {
  inFlight: number;
  seconds: number;
  drainSeconds: number;
}

export interface PlacedOrder {
  id: string;
  /** POST sent (performance.now()), and the same moment on the wall clock, which the shop's createdAt is on. */
  postedAt: number;
  postedWallMs: number;
  postMs: number;
  /** When the watcher saw it SHIPPED or CANCELLED. */
  doneAt?: number;
  status?: string;
}

export interface RoundOutcome {
  /** SHIPPED orders over the time from the first POST to the last SHIPPED seen. */
  ordersPerSecond: number;
  orders: PlacedOrder[];
  /** Checkouts not accepted (no 202). */
  refused: number;
  /** Orders the watcher read one by one (older than its page of newest orders). */
  singleReads: number;
}

/**
 * With a constant number of orders in flight, N orders completing over the span from the first
 * POST to the last SHIPPED is the shop's rate: the orders in flight at the start are the ones still
 * draining at the end (Little's law), provided the drain finishes; unfinished ones are reported.
 */
export async function checkoutRound(shop: CheckoutShop, options: RoundOptions): Promise<RoundOutcome> {
  const placed = new Map<string, PlacedOrder>();
  let open = 0;
  let refused = 0;
  let singleReads = 0;
  let placing = true;
  let waiters: Array<() => void> = [];
  const freed = () => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  const finish = (id: string, status: string, at: number) => {
    const order = placed.get(id);
    if (!order || order.doneAt || (status !== 'SHIPPED' && status !== 'CANCELLED')) return;
    order.doneAt = at;
    order.status = status;
    open--;
  };
  const began = performance.now();
  const buying = shop.buyers.map(async (buyer) => {
    while (placing) {
      while (placing && open >= options.inFlight) await new Promise<void>((resolve) => waiters.push(resolve));
      if (!placing) break;
      open++;
      const postedAt = performance.now();
      const postedWallMs = Date.now();
      const response = await fetch(`${shop.url}/api/v1/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${buyer.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify(checkoutBody()),
      }).catch(() => undefined);
      const answer = response?.status === 202 ? ((await response.json()) as { id: string }) : undefined;
      if (response && !answer) await response.body?.cancel();
      if (!answer) {
        // Refused under load (a 429, a 503, a reset connection): counted, and the slot is free again.
        refused++;
        open--;
        await sleep(10);
        continue;
      }
      placed.set(answer.id, { id: answer.id, postedAt, postedWallMs, postMs: performance.now() - postedAt });
    }
  });
  const unfinished = () => [...placed.values()].filter((order) => !order.doneAt).length;
  const deadline = began + (options.seconds + options.drainSeconds) * 1000;
  const watching = (async () => {
    while (placing || (unfinished() > 0 && performance.now() < deadline)) {
      const { items } = (await call(shop.url, 'GET', `/api/v1/admin/orders?limit=${PAGE}`, shop.admin)) as { items: Array<{ id: string; status: string; createdAt: string }> };
      const now = performance.now();
      for (const item of items) finish(item.id, item.status, now);
      if (items.length === PAGE) {
        // Orders created before the page's oldest one are not on it: those still open are read one by one.
        const listed = new Set(items.map((item) => item.id));
        const boundary = Date.parse(items.at(-1)!.createdAt);
        const outside = [...placed.values()].filter((order) => !order.doneAt && !listed.has(order.id) && order.postedWallMs < boundary).slice(0, 16);
        singleReads += outside.length;
        await Promise.all(outside.map(async (order) => finish(order.id, ((await call(shop.url, 'GET', `/api/v1/orders/${order.id}`, shop.admin)) as { status: string }).status, performance.now())));
      }
      freed();
      await sleep(WATCH_EVERY_MS);
    }
  })();
  await sleep(options.seconds * 1000);
  placing = false;
  freed();
  await Promise.all(buying);
  await watching;
  const orders = [...placed.values()];
  const shipped = orders.filter((order) => order.status === 'SHIPPED');
  const last = Math.max(...shipped.map((order) => order.doneAt!));
  const first = Math.min(...orders.map((order) => order.postedAt));
  return { ordersPerSecond: shipped.length > 0 ? Math.round((shipped.length / (last - first)) * 1000 * 10) / 10 : 0, orders, refused, singleReads };
}

/** The shop's own record of a sample of shipped orders: createdAt → the SHIPPED entry of the history, in ms. */
export async function sagaLatencies(shop: CheckoutShop, orders: PlacedOrder[], sample: number): Promise<number[]> {
  const shipped = orders.filter((order) => order.status === 'SHIPPED');
  const picked = shipped.filter((_, index) => index % Math.max(1, Math.ceil(shipped.length / sample)) === 0);
  const latencies: number[] = [];
  for (let next = 0; next < picked.length; next += 8) {
    await Promise.all(
      picked.slice(next, next + 8).map(async ({ id }) => {
        const order = (await call(shop.url, 'GET', `/api/v1/orders/${id}`, shop.admin)) as { createdAt: string; history: Array<{ status: string; at: string }> };
        const at = order.history.find((entry) => entry.status === 'SHIPPED')?.at;
        if (at) latencies.push(Date.parse(at) - Date.parse(order.createdAt));
      }),
    );
  }
  return latencies;
}

export async function newBuyer(url: string, signIn: (url: string, email: string, password: string) => Promise<string>): Promise<Buyer> {
  const email = `bench-${randomUUID().slice(0, 8)}@example.com`;
  await call(url, 'POST', '/api/v1/auth/register', undefined, { email, password: 'bench-password', name: 'Bench Buyer' }, 201);
  return { token: await signIn(url, email, 'bench-password') };
}

function checkoutBody() {
  return {
    items: [{ productId: PRODUCT, quantity: 1 }],
    payment: { cardToken: 'tok_visa' },
    shippingAddress: { name: 'Bench Buyer', line1: '1 Main Street', city: 'Utrecht', postalCode: '3511 AA', country: 'NL' },
  };
}

export async function call(url: string, method: string, path: string, token: string | undefined, body?: unknown, expected = 200): Promise<unknown> {
  const response = await fetch(url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${path}: ${response.status} (expected ${expected}) ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}
