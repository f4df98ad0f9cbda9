import type { Completed } from './history.ts';

export interface StoreOrder {
  id: string;
  /** The workload process (customer) whose order it is. */
  process: number;
  status: string;
  totalCents: number;
  items: Array<{ productId: string; quantity: number }>;
  /** Captured − refunded as payments replays this order's own ledger stream (0 when it has none); unset if not read. */
  paidCents?: number;
}

export interface StockLevel {
  productId: string;
  onHand: number;
  reserved: number;
  shipped: number;
}

export interface Ledger {
  capturedCents: number;
  refundedCents: number;
}

/** What the services' own stores say once the system has healed, read through the admin API. */
export interface StoreSnapshot {
  /** Every order of the workload's customers, as the orders service lists them. */
  orders: StoreOrder[];
  stockBefore: StockLevel[];
  stockAfter: StockLevel[];
  ledgerBefore: Ledger;
  ledgerAfter: Ledger;
  deadLetters: number;
}

export interface Verdict {
  operations: number;
  ok: number;
  failed: number;
  unknown: number;
  acknowledged: number;
  lost: number;
  /** Acknowledged orders not in a final state, or not in the one a 200 cancel promised. */
  unfinished: number;
  duplicated: number;
  oversold: number;
  stockDifference: number;
  moneyDifferenceCents: number;
  deadLetters: number;
  trivial: boolean;
  problems: string[];
}

const FINAL = new Set(['SHIPPED', 'CANCELLED']);
const WRITES = new Set(['checkout', 'replay']);

/**
 * Checks the history against the stores. An `info` checkout may or may not have created its
 * order, so it only widens what is allowed: a key may have made at most one order either way.
 */
export function check(history: Completed[], store: StoreSnapshot): Verdict {
  const problems: string[] = [];
  const byId = new Map(store.orders.map((order) => [order.id, order]));
  const ok = history.filter((operation) => operation.outcome === 'ok');
  const writes = history.filter((operation) => WRITES.has(operation.f));

  // Every 202 names an order that exists and reached a final state.
  const acknowledgedIds = new Set(writes.filter((operation) => operation.outcome === 'ok').map((operation) => String(operation.value.orderId)));
  let lost = 0;
  let unfinished = 0;
  for (const id of acknowledgedIds) {
    const order = byId.get(id);
    if (!order) {
      lost++;
      problems.push(`acknowledged order ${id} is missing from the store`);
    } else if (!FINAL.has(order.status)) {
      unfinished++;
      problems.push(`acknowledged order ${id} is still ${order.status}`);
    }
  }

  // A cancel that was answered 200 holds: the order ends CANCELLED, whatever the saga was doing.
  for (const operation of history.filter((candidate) => candidate.f === 'cancel' && candidate.outcome === 'ok')) {
    const order = byId.get(String(operation.value.orderId));
    if (order && order.status !== 'CANCELLED') {
      unfinished++;
      problems.push(`order ${order.id} was cancelled with a 200 but ended ${order.status}`);
    }
  }

  // One key, one order: every answer for a key names the same id, and no customer has more
  // orders than keys that might have made one.
  let duplicated = 0;
  const idsByKey = new Map<string, Set<string>>();
  const keysByProcess = new Map<number, Set<string>>();
  for (const operation of writes) {
    const key = String(operation.value.key);
    if (operation.outcome !== 'fail') {
      if (!keysByProcess.has(operation.process)) keysByProcess.set(operation.process, new Set());
      keysByProcess.get(operation.process)!.add(key);
    }
    if (operation.outcome !== 'ok') continue;
    if (!idsByKey.has(key)) idsByKey.set(key, new Set());
    idsByKey.get(key)!.add(String(operation.value.orderId));
  }
  const duplicatesByProcess = new Map<number, number>();
  for (const [key, ids] of idsByKey) {
    if (ids.size < 2) continue;
    const process = writes.find((operation) => operation.value.key === key)!.process;
    duplicatesByProcess.set(process, (duplicatesByProcess.get(process) ?? 0) + ids.size - 1);
    problems.push(`Idempotency-Key ${key} answered with ${ids.size} orders: ${[...ids].join(', ')}`);
  }
  const processes = new Set([...keysByProcess.keys(), ...store.orders.map((order) => order.process)]);
  for (const process of processes) {
    const stored = store.orders.filter((order) => order.process === process).length;
    const excess = Math.max(0, stored - (keysByProcess.get(process)?.size ?? 0));
    if (excess > 0) problems.push(`customer ${process} has ${stored} orders from ${keysByProcess.get(process)?.size ?? 0} keys`);
    duplicated += Math.max(excess, duplicatesByProcess.get(process) ?? 0);
  }

  // Stock: nothing created or destroyed, nothing negative, nothing sold that was not there.
  const shippedUnits = new Map<string, number>();
  for (const order of store.orders.filter((candidate) => candidate.status === 'SHIPPED')) {
    for (const line of order.items) shippedUnits.set(line.productId, (shippedUnits.get(line.productId) ?? 0) + line.quantity);
  }
  const after = new Map(store.stockAfter.map((level) => [level.productId, level]));
  let oversold = 0;
  let stockDifference = 0;
  for (const before of store.stockBefore) {
    const now = after.get(before.productId);
    if (!now) {
      problems.push(`${before.productId} vanished from inventory`);
      continue;
    }
    const difference = now.onHand + now.reserved + now.shipped - (before.onHand + before.reserved + before.shipped);
    const shippedNow = now.shipped - before.shipped;
    const expectedShipped = shippedUnits.get(before.productId) ?? 0;
    const oversoldHere = Math.max(0, shippedNow - (before.onHand + before.reserved)) + Math.max(0, -now.onHand) + Math.max(0, -now.reserved);
    const unsettled = Math.abs(now.reserved - before.reserved) + Math.abs(shippedNow - expectedShipped);
    if (difference !== 0) problems.push(`${before.productId}: ${difference} units created or destroyed`);
    if (oversoldHere > 0) problems.push(`${before.productId}: oversold by ${oversoldHere}`);
    if (unsettled !== 0) problems.push(`${before.productId}: shipped ${shippedNow} for ${expectedShipped} in shipped orders, ${now.reserved - before.reserved} still reserved`);
    oversold += oversoldHere;
    stockDifference += Math.abs(difference) + unsettled;
  }

  // Money: captured − refunded moved by exactly the value of the shipped orders.
  const net = (ledger: Ledger) => ledger.capturedCents - ledger.refundedCents;
  const shippedCents = store.orders.filter((order) => order.status === 'SHIPPED').reduce((sum, order) => sum + order.totalCents, 0);
  let moneyDifferenceCents = net(store.ledgerAfter) - net(store.ledgerBefore) - shippedCents;
  if (moneyDifferenceCents !== 0) problems.push(`ledger net moved ${net(store.ledgerAfter) - net(store.ledgerBefore)} cents for ${shippedCents} cents shipped`);
  // Replayed per order, each payment's own stream must say the same: its total if shipped, nothing
  // kept otherwise; and together, what the totals replayed from every ledger event say.
  const replayed = store.orders.filter((order) => order.paidCents !== undefined);
  for (const order of replayed) {
    const owed = order.status === 'SHIPPED' ? order.totalCents : 0;
    if (order.paidCents !== owed) {
      problems.push(`order ${order.id} (${order.status}): its ledger replays to ${order.paidCents} cents kept, not ${owed}`);
      moneyDifferenceCents += order.paidCents! - owed;
    }
  }
  if (replayed.length === store.orders.length) {
    const perOrder = replayed.reduce((sum, order) => sum + order.paidCents!, 0);
    if (perOrder !== net(store.ledgerAfter) - net(store.ledgerBefore)) problems.push(`the orders' ledgers replay to ${perOrder} cents, the ledger totals moved ${net(store.ledgerAfter) - net(store.ledgerBefore)}`);
  }

  const trivial = ok.length * 2 < history.length;
  if (trivial) problems.push(`only ${ok.length} of ${history.length} operations succeeded: the run proves nothing`);

  return {
    operations: history.length,
    ok: ok.length,
    failed: history.filter((operation) => operation.outcome === 'fail').length,
    unknown: history.filter((operation) => operation.outcome === 'info').length,
    acknowledged: acknowledgedIds.size,
    lost,
    unfinished,
    duplicated,
    oversold,
    stockDifference,
    moneyDifferenceCents,
    deadLetters: store.deadLetters,
    trivial,
    problems,
  };
}
