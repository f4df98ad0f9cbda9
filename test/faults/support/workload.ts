import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkout } from '../../support/client.ts';
import type { History } from './history.ts';
import { call, outcomeOf } from './http.ts';
import { between, pick, seededRandom, type Random } from './random.ts';

export interface Customer {
  process: number;
  email: string;
  token: string;
  /** Every checkout this customer sent: its key and body, so a replay can send both again. */
  checkouts: Array<{ key: string; body: ReturnType<typeof checkout> }>;
  orderIds: string[];
}

export interface WorkloadOptions {
  baseUrl: () => string;
  history: History;
  seed: number;
  customers: number;
  /** Bounds: the run stops at whichever comes first. */
  maxOperations: number;
  durationMs: number;
  /** Asked before each operation: stop early (the nemesis is done and the quiet tail has run). */
  shouldStop?: () => boolean;
  /** The client's deadline per request; past it the outcome is unknown. */
  deadlineMs?: number;
}

const IN_STOCK = ['p-cable', 'p-mouse', 'p-keyboard', 'p-lamp', 'p-stand', 'p-webcam'];
type Kind = 'browse' | 'checkout' | 'declined' | 'soldout' | 'cancel' | 'replay';
const WEIGHTS: Array<[Kind, number]> = [['browse', 25], ['checkout', 35], ['declined', 10], ['soldout', 10], ['cancel', 8], ['replay', 12]];

function chooseKind(random: Random): Kind {
  let roll = random() * WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);
  for (const [kind, weight] of WEIGHTS) if ((roll -= weight) < 0) return kind;
  return 'browse';
}

/** Runs one operation, recording it before and after; an exception is `info`. */
export async function record(history: History, process: number, f: string, value: Record<string, unknown>, run: () => Promise<{ status: number; body: any }>): Promise<{ outcome: string; body: any; unreachable?: boolean }> {
  const invocation = history.invoke(process, f, value);
  try {
    const reply = await run();
    const outcome = outcomeOf(reply.status);
    history.complete(invocation, outcome, { status: reply.status, ...(f === 'checkout' || f === 'replay' ? { orderId: reply.body?.id } : {}) });
    return { outcome, body: reply.body, unreachable: reply.status >= 500 };
  } catch (error) {
    // A refused connection never carried the request: that one certainly did not happen.
    const refused = ((error as Error).cause as { code?: string } | undefined)?.code === 'ECONNREFUSED';
    const outcome = refused ? 'fail' : 'info';
    history.complete(invocation, outcome, { error: refused ? 'connection refused' : (error as Error).name === 'TimeoutError' ? 'timeout' : String((error as Error).message) });
    return { outcome, body: undefined, unreachable: true };
  }
}

/** Registers customers before any fault: a customer whose sign-up is unknown is of no use. */
export async function registerCustomers(options: WorkloadOptions): Promise<Customer[]> {
  return Promise.all(
    Array.from({ length: options.customers }, async (_, process) => {
      const email = `fault-${process}-${randomUUID().slice(0, 8)}@faults.agora.test`;
      const body = { email, password: 'correct-horse', name: `Customer ${process}` };
      const registered = await record(options.history, process, 'register', { email }, () => call(options.baseUrl(), 'POST', '/api/v1/auth/register', { body }));
      if (registered.outcome !== 'ok') throw new Error(`register ${email}: ${JSON.stringify(registered.body)}`);
      const token = await call(options.baseUrl(), 'POST', '/api/v1/auth/token', { body: { email, password: body.password } });
      return { process, email, token: token.body.access_token as string, checkouts: [], orderIds: [] };
    }),
  );
}

async function step(customer: Customer, kind: Kind, random: Random, options: WorkloadOptions): Promise<boolean> {
  const url = options.baseUrl();
  const deadlineMs = options.deadlineMs ?? 5_000;
  const { history } = options;
  if (kind === 'browse') return Boolean((await record(history, customer.process, 'browse', {}, () => call(url, 'GET', '/api/v1/products?limit=5', { deadlineMs }))).unreachable);
  if (kind === 'cancel') {
    const orderId = customer.orderIds.at(-1);
    if (!orderId) return step(customer, 'browse', random, options);
    return Boolean((await record(history, customer.process, 'cancel', { orderId }, () => call(url, 'POST', `/api/v1/orders/${orderId}/cancel`, { token: customer.token, deadlineMs }))).unreachable);
  }
  let key: string;
  let body: ReturnType<typeof checkout>;
  if (kind === 'replay') {
    if (customer.checkouts.length === 0) return step(customer, 'checkout', random, options);
    ({ key, body } = pick(random, customer.checkouts));
  } else {
    key = randomUUID();
    const items =
      kind === 'soldout'
        ? [{ productId: 'p-cable', quantity: 1 }, { productId: 'p-soldout', quantity: 1 }]
        : [{ productId: pick(random, IN_STOCK), quantity: between(random, 1, 2) }];
    body = checkout(items, kind === 'declined' ? 'tok_declined' : 'tok_visa');
    customer.checkouts.push({ key, body });
  }
  const f = kind === 'replay' ? 'replay' : 'checkout';
  const result = await record(history, customer.process, f, { key, kind, items: body.items }, () =>
    call(url, 'POST', '/api/v1/orders', { token: customer.token, body, headers: { 'idempotency-key': key }, deadlineMs }),
  );
  if (result.outcome === 'ok' && !customer.orderIds.includes(result.body.id)) customer.orderIds.push(result.body.id);
  return Boolean(result.unreachable);
}

/** Concurrent customers, each one operation at a time, until the count or the time runs out. */
export async function runWorkload(customers: Customer[], options: WorkloadOptions): Promise<void> {
  const stopAt = Date.now() + options.durationMs;
  let budget = options.maxOperations;
  await Promise.all(
    customers.map(async (customer) => {
      const random = seededRandom(options.seed + customer.process * 7919);
      let downInARow = 0;
      while (Date.now() < stopAt && !options.shouldStop?.() && budget-- > 0) {
        const unreachable = await step(customer, chooseKind(random), random, options);
        // While the shop is down (no connection, 5xx), back off as a real client would.
        downInARow = unreachable ? downInARow + 1 : 0;
        await sleep(downInARow ? Math.min(2_000, 125 * 2 ** downInARow) : between(random, 5, 40));
      }
    }),
  );
}
