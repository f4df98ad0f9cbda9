import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { checkout } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';
import { faultRun } from './support/fault-run.ts';
import { call } from './support/http.ts';
import { pause } from './support/nemesis.ts';
import { fullRun, runSeed } from './support/random.ts';
import { servicePid, splitFaults } from './support/split-faults.ts';
import { adminToken, ledger, waitReady } from './support/store.ts';

const FINAL = ['SHIPPED', 'CANCELLED'];

// Orchestration unless the run says otherwise: orders then calls payments over HTTP, the call a
// paused process leaves with an unknown outcome.
describe('faults, split: service processes and servers fail under a concurrent workload', () => {
  let shop: ShopProcess;
  let admin: string;
  before(async () => {
    shop = await launchShop({ AGORA_TOPOLOGY: 'split', SAGA_STYLE: process.env.SAGA_STYLE ?? 'orchestration' });
    admin = await adminToken(shop.url);
  });
  after(() => shop?.stop());

  it('keeps every acknowledged order, once, with stock and money adding up', async () => {
    const seed = runSeed();
    const full = fullRun();
    const report = await faultRun({
      name: 'split-nemesis',
      topology: 'split',
      seed,
      baseUrl: () => shop.url,
      actions: splitFaults(shop, () => admin),
      schedule: {
        kinds: [
          { kind: 'kill-service', holdMs: [0, 0] },
          { kind: 'pause-service', holdMs: [2_500, 4_000] },
          { kind: 'restart-nats', holdMs: [0, 1_000] },
          { kind: 'restart-postgres', holdMs: [0, 1_000] },
        ],
        count: full ? 12 : 4,
        firstAtMs: 3_000,
        gapMs: full ? [4_000, 8_000] : [4_000, 6_000],
      },
      customers: full ? 8 : 4,
      maxOperations: full ? 20_000 : 4_000,
      quietTailMs: 5_000,
      deadlineMs: 5_000,
      settleMs: 90_000,
    });
    assert.equal(report.faults.length, full ? 12 : 4, 'every planned fault was injected');
    assert.deepEqual(report.verdict.problems, [], `seed ${seed}`);
    assert.ok(report.verdict.acknowledged > 0);
    assert.ok(report.operationsDuringFaults >= report.faults.length, 'the workload was running while the faults hit');
  });

  it('the ambiguous write: payments paused past the deadline mid-checkout charges the order once', async () => {
    await waitReady(shop.url);
    const alice = (await call(shop.url, 'POST', '/api/v1/auth/token', { body: { email: 'alice@example.com', password: 'alice-password' } })).body.access_token as string;
    const ledgerBefore = await ledger(shop.url, admin);
    const payments = await servicePid(shop, admin, 'payments');
    // Paused first, so the saga's call to payments is the one left hanging.
    const paused = pause(payments, 4_000);
    const placed = await call(shop.url, 'POST', '/api/v1/orders', { token: alice, body: checkout([{ productId: 'p-mouse', quantity: 1 }]), headers: { 'idempotency-key': randomUUID() } });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    await paused;

    let order: any;
    const deadline = Date.now() + 60_000;
    do {
      order = (await call(shop.url, 'GET', `/api/v1/orders/${placed.body.id}`, { token: alice })).body;
      if (FINAL.includes(order.status)) break;
      await new Promise((done) => setTimeout(done, 200));
    } while (Date.now() < deadline);
    assert.equal(order.status, 'SHIPPED', JSON.stringify(order));
    const payment = (await call(shop.url, 'GET', `/api/v1/payments/${placed.body.id}`, { token: alice })).body;
    const captures = (payment.ledger as Array<{ type: string }>).filter((entry) => /captur/i.test(entry.type));
    assert.equal(captures.length, 1, `one capture: ${JSON.stringify(payment.ledger)}`);
    const ledgerAfter = await ledger(shop.url, admin);
    assert.equal(ledgerAfter.capturedCents - ledgerBefore.capturedCents, order.totalCents, 'charged exactly the order total, once');
    assert.equal(ledgerAfter.refundedCents, ledgerBefore.refundedCents);
  });
});
