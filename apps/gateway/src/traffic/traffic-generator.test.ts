import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SHOPPER_PASSWORD, TRAFFIC_KINDS, TrafficGenerator, shopperEmail } from './traffic-generator.ts';

const PRODUCTS = ['p-keyboard', 'p-mouse', 'p-monitor', 'p-headset', 'p-webcam', 'p-dock', 'p-cable', 'p-soldout'];

interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

/**
 * A stand-in for the shop's public API, just real enough: accounts, tokens, a paged catalog,
 * orders. It records every request. `mode` makes it fail orders, or never answer at all.
 */
class FakeShop {
  readonly requests: Recorded[] = [];
  readonly accounts = new Map<string, string>();
  mode: 'normal' | 'orders-down' | 'hang' = 'normal';
  readonly #server: Server = createServer((request, response) => void this.#handle(request, response));
  url = '';

  async listen(): Promise<void> {
    await new Promise<void>((done) => this.#server.listen(0, '127.0.0.1', done));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((done) => this.#server.close(() => done()));
  }

  reset(): void {
    this.requests.length = 0;
    this.mode = 'normal';
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const url = new URL(request.url!, 'http://shop');
    const recorded = { method: request.method!, path: url.pathname + url.search, headers: request.headers, body: text ? JSON.parse(text) : undefined };
    this.requests.push(recorded);
    if (this.mode === 'hang') return;
    const send = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' }).end(JSON.stringify(body));
    };
    const signedIn = typeof request.headers.authorization === 'string' && request.headers.authorization.startsWith('Bearer tok-');
    const route = `${request.method} ${url.pathname}`;
    if (route === 'POST /api/v1/auth/register') {
      if (this.accounts.has(recorded.body.email)) return send(409, { title: 'Conflict', status: 409 });
      this.accounts.set(recorded.body.email, recorded.body.password);
      return send(201, { id: recorded.body.email });
    }
    if (route === 'POST /api/v1/auth/token') {
      if (this.accounts.get(recorded.body.email) !== recorded.body.password) return send(401, { title: 'Unauthorized', status: 401 });
      return send(200, { access_token: `tok-${recorded.body.email}` });
    }
    if (route === 'GET /api/v1/products') {
      const offset = Number(url.searchParams.get('cursor') ?? 0);
      const limit = Number(url.searchParams.get('limit'));
      const next = offset + limit < PRODUCTS.length ? String(offset + limit) : null;
      return send(200, { items: PRODUCTS.slice(offset, offset + limit).map((id) => ({ id })), nextCursor: next });
    }
    if (/^GET \/api\/v[12]\/products\/[\w-]+$/.test(route)) return send(200, { id: url.pathname.split('/').pop() });
    if (!signedIn) return send(401, { title: 'Unauthorized', status: 401 });
    if (route === 'POST /api/v1/orders') {
      if (this.mode === 'orders-down') return send(503, { title: 'Service unavailable', status: 503, detail: 'no live instance of orders' });
      return send(202, { id: `o-${this.requests.length}`, status: 'PENDING' });
    }
    if (route === 'GET /api/v1/orders' || /^GET \/api\/v1\/orders\/o-\d+$/.test(route)) return send(200, {});
    if (/^POST \/api\/v1\/orders\/o-\d+\/cancel$/.test(route)) return send(409, { title: 'Conflict', status: 409, detail: 'already confirmed' });
    return send(404, { title: 'Not found', status: 404 });
  }
}

/** A seeded generator of numbers in [0, 1) (mulberry32): the same mix on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const total = (counts: Record<string, { ok: number; failed: number }>) => Object.values(counts).reduce((sum, outcome) => sum + outcome.ok + outcome.failed, 0);

describe('traffic generator', () => {
  const shop = new FakeShop();
  before(() => shop.listen());
  after(() => shop.close());
  beforeEach(() => shop.reset());

  it('drives every kind of the mix over HTTP as a few registered customers, a fresh key per checkout', async () => {
    // An account left from an earlier run: registering it again answers 409, and the shopper signs in anyway.
    shop.accounts.set(shopperEmail(1), SHOPPER_PASSWORD);
    const generator = new TrafficGenerator({ baseUrl: () => shop.url, random: seeded(7), shoppers: 3 });
    generator.start(150);
    await sleep(2_000);
    // Stopping cancels what is in flight: those requests may have reached the shop uncounted.
    const cutOff = generator.status().inFlight;
    const status = await generator.stop();

    assert.equal(status.running, false);
    for (const kind of TRAFFIC_KINDS) {
      assert.ok(status.counts[kind].ok > 0, `${kind} happened`);
      assert.equal(status.counts[kind].failed, 0, kind);
    }
    assert.equal(status.lastError, null);

    const orders = shop.requests.filter((request) => request.method === 'POST' && request.path === '/api/v1/orders');
    const keys = orders.map((request) => request.headers['idempotency-key']);
    assert.equal(new Set(keys).size, orders.length, 'every checkout has its own Idempotency-Key');
    assert.ok(keys.every((key) => typeof key === 'string' && key.length > 0));
    const declined = orders.filter((request) => request.body.payment.cardToken === 'tok_declined');
    const soldOut = orders.filter((request) => request.body.items.some((item: { productId: string }) => item.productId === 'p-soldout'));
    const within = (seen: number, counted: number) => seen >= counted && seen - counted <= cutOff;
    assert.ok(within(declined.length, status.counts.declined.ok), 'declined checkouts pay with tok_declined');
    assert.ok(within(soldOut.length, status.counts.outOfStock.ok), 'out-of-stock checkouts ask for p-soldout');
    assert.ok(within(orders.length, status.counts.checkout.ok + status.counts.declined.ok + status.counts.outOfStock.ok), `${orders.length} orders, ${cutOff} cut off`);
    assert.ok(orders.every((request) => request.body.shippingAddress.country === 'NL'));

    const registrations = shop.requests.filter((request) => request.path === '/api/v1/auth/register').map((request) => request.body.email);
    assert.deepEqual([...new Set(registrations)].sort(), [1, 2, 3].map(shopperEmail).sort(), 'the pool registers its own customers');
    assert.equal(registrations.length, 3, 'each once');
    assert.ok(orders.some((request) => request.headers.authorization === `Bearer tok-${shopperEmail(1)}`), 'the already registered shopper buys too');
    assert.ok(shop.requests.some((request) => request.path.startsWith('/api/v1/products?') && request.path.includes('cursor=')), 'browsing follows cursors');
    assert.ok(shop.requests.some((request) => /^\/api\/v[12]\/products\/p-/.test(request.path)), 'and opens product pages');
  });

  it('keeps to its rate, and a new rate applies to the run under way', async () => {
    const generator = new TrafficGenerator({ baseUrl: () => shop.url, random: seeded(11) });
    generator.start(20);
    await sleep(2_000);
    // The rate governs starts: count what finished and what is still on its way.
    const started = (status: { counts: Record<string, { ok: number; failed: number }>; inFlight: number }) => total(status.counts) + status.inFlight;
    const done = started(generator.status());
    assert.ok(done >= 30 && done <= 48, `about 40 operations in 2 s at 20/s, not ${done}`);
    const startedAt = generator.start(60).startedAt;
    await sleep(1_000);
    const faster = started(generator.status()) - done;
    const status = await generator.stop();
    assert.equal(status.startedAt, startedAt, 'the same run');
    assert.ok(faster >= 45 && faster <= 75, `about 60 more in 1 s at 60/s, not ${faster}`);
  });

  it('counts what the shop fails, with the last error', async () => {
    shop.mode = 'orders-down';
    const generator = new TrafficGenerator({ baseUrl: () => shop.url, random: seeded(3) });
    generator.start(100);
    await sleep(1_000);
    const status = await generator.stop();
    assert.ok(status.counts.checkout.failed > 0);
    assert.equal(status.counts.checkout.ok, 0);
    assert.ok(status.counts.browse.ok > 0, 'the rest of the shop still answers');
    assert.match(status.lastError ?? '', /POST \/api\/v1\/orders → 503 no live instance of orders/);
  });

  it('holds at most twice the rate in flight against a shop that never answers, sheds the rest, and stops at once', async () => {
    shop.mode = 'hang';
    const generator = new TrafficGenerator({ baseUrl: () => shop.url, random: seeded(5) });
    generator.start(20);
    await sleep(2_600);
    const loaded = generator.status();
    assert.equal(loaded.inFlight, 40, 'capped at 2 × rate');
    assert.ok(loaded.shed >= 5, `about 12 shed, not ${loaded.shed}`);
    const started = performance.now();
    const stopped = await generator.stop();
    assert.ok(performance.now() - started < 1_000, 'stop cancels what is in flight instead of waiting for it');
    assert.deepEqual({ running: stopped.running, rate: stopped.rate, inFlight: stopped.inFlight }, { running: false, rate: 0, inFlight: 0 });
    assert.equal(total(stopped.counts), 0, 'cancelled operations are neither ok nor failed');
  });

  it('restocks while it runs, one look at a time, reports a failed one, and not after a stop', async () => {
    let looks = 0;
    let busy = false;
    let overlapped = false;
    const restock = async () => {
      looks++;
      overlapped ||= busy;
      busy = true;
      await sleep(30);
      busy = false;
      if (looks === 2) throw new Error('inventory is down');
      return 2;
    };
    const generator = new TrafficGenerator({ baseUrl: () => shop.url, random: seeded(13), restockEveryMs: 20 });
    generator.start(5, restock);
    await sleep(400);
    const status = await generator.stop();
    assert.ok(looks >= 4, `looked ${looks} times`);
    assert.equal(overlapped, false, 'never two looks at once');
    // Two products a look, the failed look none; one cut off by the stop is not counted either.
    assert.ok(status.restocked >= 2 * (looks - 2) && status.restocked <= 2 * (looks - 1) && status.restocked % 2 === 0, `${status.restocked} after ${looks} looks`);
    assert.match(status.lastError ?? '', /^restock: inventory is down/);
    const after = looks;
    await sleep(100);
    assert.equal(looks, after, 'no look after stop');
    assert.equal(new TrafficGenerator({ baseUrl: () => shop.url }).status().restocked, 0);
  });

  it('refuses a rate outside 1..200', () => {
    const generator = new TrafficGenerator({ baseUrl: () => shop.url });
    for (const rate of [0, 201, 1.5]) assert.throws(() => generator.start(rate), RangeError);
    assert.equal(generator.status().running, false);
  });
});
