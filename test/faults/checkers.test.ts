import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { check, type StoreSnapshot } from './support/checkers.ts';
import { History } from './support/history.ts';

// A clean run: two customers, one shipped order, one declined and cancelled, one unknown outcome
// that did make its order, a replay answered with the first order.
function cleanRun(): { history: History; store: StoreSnapshot } {
  const history = new History();
  const put = (process: number, f: string, value: Record<string, unknown>, outcome: 'ok' | 'fail' | 'info', result: Record<string, unknown> = {}) =>
    history.complete(history.invoke(process, f, value), outcome, result);
  put(0, 'checkout', { key: 'k1', items: [{ productId: 'p-cable', quantity: 2 }] }, 'ok', { orderId: 'o-1' });
  put(0, 'replay', { key: 'k1' }, 'ok', { orderId: 'o-1' });
  put(1, 'checkout', { key: 'k2' }, 'ok', { orderId: 'o-2' });
  put(1, 'checkout', { key: 'k3' }, 'info', { error: 'timeout' });
  put(1, 'browse', {}, 'ok');
  put(0, 'cancel', { orderId: 'o-1' }, 'fail', { status: 409 });
  const store: StoreSnapshot = {
    orders: [
      { id: 'o-1', process: 0, status: 'SHIPPED', totalCents: 2400, items: [{ productId: 'p-cable', quantity: 2 }], paidCents: 2400 },
      { id: 'o-2', process: 1, status: 'CANCELLED', totalCents: 1200, items: [{ productId: 'p-cable', quantity: 1 }], paidCents: 0 },
      { id: 'o-3', process: 1, status: 'SHIPPED', totalCents: 1200, items: [{ productId: 'p-cable', quantity: 1 }], paidCents: 1200 },
    ],
    stockBefore: [{ productId: 'p-cable', onHand: 10, reserved: 0, shipped: 0 }],
    stockAfter: [{ productId: 'p-cable', onHand: 7, reserved: 0, shipped: 3 }],
    ledgerBefore: { capturedCents: 0, refundedCents: 0 },
    ledgerAfter: { capturedCents: 4800, refundedCents: 1200 },
    deadLetters: 0,
  };
  return { history, store };
}

describe('fault checkers', () => {
  it('pass a clean run, an unknown outcome that happened included', () => {
    const { history, store } = cleanRun();
    const verdict = check(history.completed(), store);
    assert.deepEqual(verdict.problems, []);
    assert.equal(verdict.operations, 6);
    assert.equal(verdict.acknowledged, 2);
    assert.equal(verdict.unknown, 1);
  });

  it('accept an unknown outcome that did not happen', () => {
    const { history, store } = cleanRun();
    store.orders = store.orders.filter((order) => order.id !== 'o-3');
    store.stockAfter = [{ productId: 'p-cable', onHand: 8, reserved: 0, shipped: 2 }];
    store.ledgerAfter = { capturedCents: 3600, refundedCents: 1200 };
    assert.deepEqual(check(history.completed(), store).problems, []);
  });

  it('catch an acknowledged order missing from the store, and one never finished', () => {
    const { history, store } = cleanRun();
    store.orders = store.orders.filter((order) => order.id !== 'o-2');
    assert.equal(check(history.completed(), store).lost, 1);
    const { history: again, store: stuck } = cleanRun();
    stuck.orders[1]!.status = 'PENDING';
    assert.equal(check(again.completed(), stuck).unfinished, 1);
  });

  it('catch an order that ships after its cancel was answered 200', () => {
    const { history, store } = cleanRun();
    history.complete(history.invoke(1, 'cancel', { orderId: 'o-2' }), 'ok', { status: 200 });
    assert.deepEqual(check(history.completed(), store).problems, []);
    history.complete(history.invoke(0, 'cancel', { orderId: 'o-1' }), 'ok', { status: 200 });
    assert.equal(check(history.completed(), store).unfinished, 1);
  });

  it('catch one key making two orders, by the answers or by the store', () => {
    const { history, store } = cleanRun();
    history.complete(history.invoke(0, 'replay', { key: 'k1' }), 'ok', { orderId: 'o-9' });
    store.orders.push({ id: 'o-9', process: 0, status: 'CANCELLED', totalCents: 2400, items: [] });
    assert.equal(check(history.completed(), store).duplicated, 1);
    const { history: quiet, store: extra } = cleanRun();
    extra.orders.push({ id: 'o-10', process: 0, status: 'CANCELLED', totalCents: 2400, items: [] });
    assert.equal(check(quiet.completed(), extra).duplicated, 1);
  });

  it('catch an oversell and stock created from nothing', () => {
    const { history, store } = cleanRun();
    store.stockBefore = [{ productId: 'p-cable', onHand: 2, reserved: 0, shipped: 0 }];
    store.stockAfter = [{ productId: 'p-cable', onHand: -1, reserved: 0, shipped: 3 }];
    const verdict = check(history.completed(), store);
    assert.ok(verdict.oversold > 0);
    const { history: again, store: grown } = cleanRun();
    grown.stockAfter = [{ productId: 'p-cable', onHand: 8, reserved: 0, shipped: 3 }];
    assert.equal(check(again.completed(), grown).stockDifference, 1);
  });

  it('catch a charge too many and a refund missing', () => {
    const { history, store } = cleanRun();
    store.ledgerAfter = { capturedCents: 6000, refundedCents: 1200 };
    assert.equal(check(history.completed(), store).moneyDifferenceCents, 1200);
    store.ledgerAfter = { capturedCents: 4800, refundedCents: 0 };
    assert.equal(check(history.completed(), store).moneyDifferenceCents, 1200);
  });

  it("catch an order whose own ledger stream replays to another amount than the totals say", () => {
    const { history, store } = cleanRun();
    // The totals still add up, but the cancelled order kept its money and a shipped one was never charged.
    store.orders[1]!.paidCents = 1200;
    store.orders[2]!.paidCents = 0;
    const verdict = check(history.completed(), store);
    assert.equal(verdict.problems.filter((problem) => /its ledger replays/.test(problem)).length, 2, verdict.problems.join('; '));
    store.orders[1]!.paidCents = 0;
    store.orders[2]!.paidCents = 1200;
    store.ledgerAfter = { capturedCents: 4800, refundedCents: 1200 };
    store.orders[0]!.paidCents = 2400;
    assert.deepEqual(check(history.completed(), store).problems, []);
  });

  it('call a run trivial when fewer than half of its operations succeeded', () => {
    const history = new History();
    for (let i = 0; i < 3; i++) history.complete(history.invoke(i, 'browse', {}), 'info', { error: 'timeout' });
    history.complete(history.invoke(4, 'browse', {}), 'ok');
    const { store } = cleanRun();
    store.orders = [];
    store.stockAfter = store.stockBefore;
    store.ledgerAfter = store.ledgerBefore;
    const verdict = check(history.completed(), store);
    assert.equal(verdict.trivial, true);
    assert.equal(verdict.problems.length, 1);
  });

  it('pair an operation left open as unknown', () => {
    const history = new History();
    history.invoke(0, 'checkout', { key: 'k' });
    assert.deepEqual(history.completed().map((operation) => operation.outcome), ['info']);
  });
});
