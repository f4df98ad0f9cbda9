import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkout } from '../support/client.ts';
import { faultRun } from './support/fault-run.ts';
import { call } from './support/http.ts';
import { isAlive, killAndWait } from './support/nemesis.ts';
import { fullRun, runSeed } from './support/random.ts';
import { servicePid, splitFaults } from './support/split-faults.ts';
import { SERVICES, SplitShop } from './support/split-shop.ts';
import { adminToken, ledger, waitReady } from './support/store.ts';

const FINAL = ['SHIPPED', 'CANCELLED'];
/** The client's deadline per request; past it the outcome is unknown. */
const CLIENT_DEADLINE_MS = 5_000;
/**
 * Load shedding, not collapse: while a fault is on, the shop answers (maybe 503 or 504) before the
 * client gives up. The gateway's calls have a 2 s deadline per attempt (CALL_TIMEOUT_MS), so a
 * shop that sheds load answers well within the client's 5 s; a p99 past it means more than 1 in
 * 100 operations during faults were left hanging until the client's own deadline.
 */
const P99_BOUND_MS = CLIENT_DEADLINE_MS;
/** Faults that must take the readiness of the services they hit down: a process gone or stopped, a database or broker away. */
const MUST_GO_DOWN = ['kill-service', 'kill-inventory-both', 'pause-service', 'restart-nats', 'restart-postgres', 'partition'];

// Orchestration unless the run says otherwise: orders then calls payments over HTTP, the call a
// killed payments process leaves with an unknown outcome.
describe('faults, split: service processes, servers and the network fail under a concurrent workload', () => {
  const full = fullRun();
  let split: SplitShop;
  let admin: string;
  before(async () => {
    split = await SplitShop.start({ SAGA_STYLE: process.env.SAGA_STYLE ?? 'orchestration' });
    admin = await adminToken(split.url);
    // Both inventory instances are killed at once in the full run; the short one keeps to one.
    if (full) await split.startSecondInventory();
  });
  after(() => split?.stop());

  it('keeps every acknowledged order, once, with stock and money adding up; readiness goes down and comes back', async () => {
    const seed = runSeed();
    const network = [
      { kind: 'latency', holdMs: [4_000, 8_000] as [number, number] },
      { kind: 'reset', holdMs: [2_000, 4_000] as [number, number] },
      { kind: 'partition', holdMs: [4_000, 8_000] as [number, number] },
      { kind: 'skew', holdMs: [5_000, 10_000] as [number, number] },
    ];
    const processes = [
      { kind: 'pause-service', holdMs: [2_500, 4_000] as [number, number] },
      // Long enough for the probes (every 200 ms) to see the server gone.
      { kind: 'restart-nats', holdMs: [1_000, 2_000] as [number, number] },
      { kind: 'restart-postgres', holdMs: [1_000, 2_000] as [number, number] },
    ];
    const kill = { kind: 'kill-service', holdMs: [0, 0] as [number, number] };
    // The full run kills every service once (the kill action takes them in turn) and both inventory instances.
    const kinds = full ? [...SERVICES.map(() => kill), { kind: 'kill-inventory-both', holdMs: [0, 0] as [number, number] }, ...processes, ...network] : [kill, ...processes, ...network];
    const report = await faultRun({
      name: 'split-nemesis',
      topology: 'split',
      seed,
      baseUrl: () => split.url,
      actions: splitFaults(split, () => admin),
      schedule: { kinds, count: full ? kinds.length : 6, firstAtMs: 3_000, gapMs: [3_000, 5_000] },
      customers: full ? 8 : 4,
      maxOperations: full ? 20_000 : 4_000,
      quietTailMs: 5_000,
      deadlineMs: CLIENT_DEADLINE_MS,
      settleMs: 90_000,
      readinessTargets: () => split.readinessTargets(),
      mustGoDown: MUST_GO_DOWN,
      latencyBoundMs: P99_BOUND_MS,
    });
    assert.equal(report.faults.length, full ? kinds.length : 6, 'every planned fault was injected');
    assert.deepEqual(report.verdict.problems, [], `seed ${seed}`);
    assert.ok(report.verdict.acknowledged > 0);
    assert.ok(report.operationsDuringFaults >= report.faults.length, 'the workload was running while the faults hit');
    assert.ok(report.faults.every((fault) => fault.readiness !== undefined), 'readiness was watched through every fault');
    if (full) {
      const killed = report.faults.filter((fault) => fault.kind === 'kill-service').map((fault) => fault.target.split(' ')[0]);
      assert.deepEqual(new Set(killed), new Set(SERVICES), 'every service was killed at least once');
      assert.ok(report.faults.some((fault) => fault.kind === 'kill-inventory-both'), 'both inventory instances were killed');
    }
  });

  it('the ambiguous write: payments commits the charge and is killed before its answer reaches orders; the retry charges once', async () => {
    await waitReady(split.url);
    const alice = (await call(split.url, 'POST', '/api/v1/auth/token', { body: { email: 'alice@example.com', password: 'alice-password' } })).body.access_token as string;
    const ledgerBefore = await ledger(split.url, admin);
    const payments = await servicePid(split.url, admin, 'payments');
    // The proxy lets the charge through, holds back payments' answer, kills payments, then resets orders' connection.
    const caught = split.proxy.trap('payments', /^POST \/internal\/v1\/payments /, () => killAndWait(payments));
    const placed = await call(split.url, 'POST', '/api/v1/orders', { token: alice, body: checkout([{ productId: 'p-mouse', quantity: 1 }]), headers: { 'idempotency-key': randomUUID() } });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
    const hit = await Promise.race([caught, sleep(30_000).then(() => assert.fail('no charge reached payments through the proxy in 30 s'))]);
    assert.match(hit.response, /^HTTP\/1\.1 200 /, 'payments had answered: the charge was committed before the kill');
    assert.equal(isAlive(payments), false, 'the payments process that charged is gone');

    let order: any;
    const deadline = Date.now() + 60_000;
    do {
      order = (await call(split.url, 'GET', `/api/v1/orders/${placed.body.id}`, { token: alice })).body;
      if (FINAL.includes(order.status)) break;
      await sleep(200);
    } while (Date.now() < deadline);
    assert.equal(order.status, 'SHIPPED', JSON.stringify(order));
    const payment = (await call(split.url, 'GET', `/api/v1/payments/${placed.body.id}`, { token: alice })).body;
    const captures = (payment.ledger as Array<{ type: string }>).filter((entry) => /captur/i.test(entry.type));
    assert.equal(captures.length, 1, `one capture: ${JSON.stringify(payment.ledger)}`);
    const ledgerAfter = await ledger(split.url, admin);
    assert.equal(ledgerAfter.capturedCents - ledgerBefore.capturedCents, order.totalCents, 'charged exactly the order total, once');
    assert.equal(ledgerAfter.refundedCents, ledgerBefore.refundedCents);
  });
});
