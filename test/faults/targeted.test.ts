import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { checkout } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';
import { check } from './support/checkers.ts';
import { History } from './support/history.ts';
import { call } from './support/http.ts';
import { adminToken, ledger, readStores, stockLevels } from './support/store.ts';
import { record, registerCustomers } from './support/workload.ts';

const checkoutCall = (url: string, token: string, body: unknown, key: string) => () => call(url, 'POST', '/api/v1/orders', { token, body, headers: { 'idempotency-key': key } });

describe('faults, targeted: the races the workload only hits by luck', () => {
  let shop: ShopProcess;
  let admin: string;
  before(async () => {
    shop = await launchShop({ AGORA_TOPOLOGY: 'embedded' });
    admin = await adminToken(shop.url);
  });
  after(() => shop?.stop());

  it('20 concurrent buyers of the last 10 units: exactly 10 sold, never more', async () => {
    const set = await call(shop.url, 'PUT', '/api/v1/inventory/p-limited', { token: admin, body: { onHand: 10 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const history = new History();
    const customers = await registerCustomers({ baseUrl: () => shop.url, history, seed: 0, customers: 20, maxOperations: 0, durationMs: 0 });
    const startingPoint = { stock: await stockLevels(shop.url, admin), ledger: await ledger(shop.url, admin) };
    const body = checkout([{ productId: 'p-limited', quantity: 1 }]);
    await Promise.all(customers.map((customer) => {
      const key = randomUUID();
      return record(history, customer.process, 'checkout', { key, items: body.items }, checkoutCall(shop.url, customer.token, body, key));
    }));
    const { snapshot } = await readStores(shop.url, customers, startingPoint, 30_000);
    const verdict = check(history.completed(), snapshot);
    assert.deepEqual(verdict.problems, []);
    assert.equal(verdict.acknowledged, 20, 'every checkout accepted; the saga decides who gets a unit');
    const limited = snapshot.stockAfter.find((level) => level.productId === 'p-limited')!;
    const sold = limited.shipped - startingPoint.stock.find((level) => level.productId === 'p-limited')!.shipped;
    assert.equal(sold, 10, 'the 10 units sold, not one more');
    assert.equal(limited.onHand, 0);
    assert.equal(snapshot.orders.filter((order) => order.status === 'SHIPPED').length, 10);
    assert.equal(snapshot.orders.filter((order) => order.status === 'CANCELLED').length, 10);
  });

  it('100 sequential replays and 10 concurrent duplicates of one Idempotency-Key each make one order', async () => {
    const history = new History();
    const customers = await registerCustomers({ baseUrl: () => shop.url, history, seed: 0, customers: 2, maxOperations: 0, durationMs: 0 });
    const [replayer, racer] = customers as [(typeof customers)[0], (typeof customers)[0]];
    const startingPoint = { stock: await stockLevels(shop.url, admin), ledger: await ledger(shop.url, admin) };
    const body = checkout([{ productId: 'p-cable', quantity: 1 }]);

    const replayKey = randomUUID();
    const replies = [];
    for (let i = 0; i < 100; i++) replies.push(await record(history, replayer.process, i === 0 ? 'checkout' : 'replay', { key: replayKey, items: body.items }, checkoutCall(shop.url, replayer.token, body, replayKey)));
    assert.deepEqual(new Set(replies.map((reply) => reply.outcome)), new Set(['ok']), 'every replay answered with the first answer');
    assert.equal(new Set(replies.map((reply) => reply.body.id)).size, 1, 'one order id for the key');

    // Ten at once: one makes the order; the others get it replayed or 409 while it is in flight.
    const raceKey = randomUUID();
    const racing = await Promise.all(Array.from({ length: 10 }, () => record(history, racer.process, 'checkout', { key: raceKey, items: body.items }, checkoutCall(shop.url, racer.token, body, raceKey))));
    const winners = racing.filter((reply) => reply.outcome === 'ok');
    assert.ok(winners.length >= 1);
    assert.equal(new Set(winners.map((reply) => reply.body.id)).size, 1, 'every 202 names the same order');
    assert.ok(racing.every((reply) => reply.outcome === 'ok' || reply.body.status === 409), JSON.stringify(racing.map((reply) => reply.body)));

    const { snapshot } = await readStores(shop.url, customers, startingPoint, 30_000);
    const verdict = check(history.completed(), snapshot);
    assert.deepEqual(verdict.problems, []);
    assert.equal(verdict.duplicated, 0);
    assert.deepEqual(snapshot.orders.map((order) => order.status), ['SHIPPED', 'SHIPPED'], 'one order per customer, each shipped once');
    assert.equal(snapshot.ledgerAfter.capturedCents - startingPoint.ledger.capturedCents, 2 * snapshot.orders[0]!.totalCents, 'charged once per order');
  });
});
