import { setTimeout as sleep } from 'node:timers/promises';
import type { Ledger, StockLevel, StoreOrder, StoreSnapshot } from './checkers.ts';
import { call } from './http.ts';
import type { Customer } from './workload.ts';

const FINAL = new Set(['SHIPPED', 'CANCELLED']);

export async function adminToken(baseUrl: string): Promise<string> {
  const reply = await call(baseUrl, 'POST', '/api/v1/auth/token', { body: { email: 'admin@example.com', password: 'admin-password' } });
  if (reply.status !== 200) throw new Error(`admin token: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.access_token as string;
}

export async function stockLevels(baseUrl: string, admin: string): Promise<StockLevel[]> {
  const reply = await call(baseUrl, 'GET', '/api/v1/inventory', { token: admin });
  if (reply.status !== 200) throw new Error(`inventory: ${reply.status}`);
  return reply.body.items as StockLevel[];
}

export async function ledger(baseUrl: string, admin: string): Promise<Ledger> {
  const reply = await call(baseUrl, 'GET', '/api/v1/admin/ledger', { token: admin });
  if (reply.status !== 200) throw new Error(`ledger: ${reply.status}`);
  return { capturedCents: reply.body.capturedCents, refundedCents: reply.body.refundedCents };
}

/** Waits for `/readyz` to answer 200; resolves with how long it took. */
export async function waitReady(baseUrl: string, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const status = await call(baseUrl, 'GET', '/readyz', { deadlineMs: 2_000 }).then((reply) => reply.status, () => 0);
    if (status === 200) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`${baseUrl}/readyz not 200 within ${timeoutMs} ms`);
}

/** Every order a customer has, with its lines, as the orders service answers for them. */
async function ordersOf(baseUrl: string, customer: Customer): Promise<StoreOrder[]> {
  const orders: StoreOrder[] = [];
  let cursor: string | null = null;
  do {
    const reply = await call(baseUrl, 'GET', `/api/v1/orders?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: customer.token });
    if (reply.status !== 200) throw new Error(`orders of ${customer.email}: ${reply.status}`);
    for (const summary of reply.body.items as Array<{ id: string }>) {
      const order = await call(baseUrl, 'GET', `/api/v1/orders/${summary.id}`, { token: customer.token });
      orders.push({ id: order.body.id, process: customer.process, status: order.body.status, totalCents: order.body.totalCents, items: order.body.items, paidCents: await paidCents(baseUrl, customer, summary.id) });
    }
    cursor = reply.body.nextCursor;
  } while (cursor);
  return orders;
}

/** Captured − refunded of one order's payment, replayed from its own ledger stream; 0 when none was taken. */
async function paidCents(baseUrl: string, customer: Customer, orderId: string): Promise<number | undefined> {
  const reply = await call(baseUrl, 'GET', `/api/v1/payments/${orderId}`, { token: customer.token });
  if (reply.status === 404) return 0;
  return reply.status === 200 ? (reply.body.capturedCents as number) - (reply.body.refundedCents as number) : undefined;
}

async function deadLetterCount(baseUrl: string, admin: string): Promise<number> {
  const services = await call(baseUrl, 'GET', '/api/v1/admin/services', { token: admin });
  const names = (services.body.items as Array<{ service: string }>).map((item) => item.service);
  const counts = await Promise.all(names.map((name) => call(baseUrl, 'GET', `/api/v1/admin/services/${name}/dead-letters`, { token: admin }).then((reply) => (reply.body.items ?? []).length as number)));
  return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * Reads the stores once the system has settled: every order final, no reservation left and the
 * ledger matching the shipped orders, or `settleMs` spent waiting (then the checkers say what is off).
 */
export async function readStores(baseUrl: string, customers: Customer[], before: { stock: StockLevel[]; ledger: Ledger }, settleMs: number): Promise<{ snapshot: StoreSnapshot; settledInMs: number }> {
  const admin = await adminToken(baseUrl);
  const started = Date.now();
  const reservedBefore = before.stock.reduce((sum, level) => sum + level.reserved, 0);
  for (;;) {
    const orders = (await Promise.all(customers.map((customer) => ordersOf(baseUrl, customer)))).flat();
    const stockAfter = await stockLevels(baseUrl, admin);
    const ledgerAfter = await ledger(baseUrl, admin);
    const shippedCents = orders.filter((order) => order.status === 'SHIPPED').reduce((sum, order) => sum + order.totalCents, 0);
    const settled =
      orders.every((order) => FINAL.has(order.status)) &&
      stockAfter.reduce((sum, level) => sum + level.reserved, 0) === reservedBefore &&
      ledgerAfter.capturedCents - ledgerAfter.refundedCents - (before.ledger.capturedCents - before.ledger.refundedCents) === shippedCents;
    if (settled || Date.now() - started > settleMs) {
      const snapshot = { orders, stockBefore: before.stock, stockAfter, ledgerBefore: before.ledger, ledgerAfter, deadLetters: await deadLetterCount(baseUrl, admin) };
      return { snapshot, settledInMs: Date.now() - started };
    }
    await sleep(500);
  }
}
