import { AppError, SpanKind, contextFromTraceparent, withSpan, type ServiceContext, type Worker } from '@agora/chassis';
import { inventoryApi } from '@agora/inventory/contract/api';
import { paymentsApi } from '@agora/payments/contract/api';
import { shippingApi } from '@agora/shipping/contract/api';
import { findOrder } from '../storage/order-store.ts';
import type { OrdersDb } from '../storage/orders-db.ts';
import { applyFact } from './advance-saga.ts';
import type { OrdersConfig } from './config.ts';

/**
 * Steps of the orchestrated checkout. `compensate` undoes completed steps in reverse order;
 * `stuck` is a compensation a participant refused: it waits for an operator, it is not retried.
 */
type Step = 'reserve' | 'capture' | 'ship' | 'compensate' | 'done' | 'stuck';

interface SagaLogEntry {
  step: Step;
  outcome: string;
  at: string;
}

const BATCH = 16;
/** The saga log keeps the first entries and the most recent ones; a step retried for hours does not grow it without bound. */
const LOG_HEAD = 10;
const LOG_TAIL = 40;

/**
 * The orchestrated saga: orders commands inventory, then payments, then shipping, and on failure
 * compensates what was done in reverse order (refund, then release). Its position is stored after
 * every step, so a restarted process resumes; every command is idempotent per order, so a step
 * repeated after a crash has one effect.
 */
export function createOrchestrator(ctx: ServiceContext<OrdersDb, OrdersConfig>): Worker {
  let running = false;
  let loop: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  async function record(orderId: string, step: Step, next: Step, outcome: string, attempts = 0, delayMs = 0): Promise<void> {
    const now = new Date();
    const saga = await ctx.db.selectFrom('sagas').select('log').where('order_id', '=', orderId).executeTakeFirstOrThrow();
    const entries = [...(JSON.parse(saga.log) as SagaLogEntry[]), { step, outcome, at: now.toISOString() }];
    const log = entries.length > LOG_HEAD + LOG_TAIL ? [...entries.slice(0, LOG_HEAD), ...entries.slice(-LOG_TAIL)] : entries;
    await ctx.db
      .updateTable('sagas')
      .set({ step: next, attempts, next_attempt_at: new Date(now.getTime() + delayMs).toISOString(), log: JSON.stringify(log), updated_at: now.toISOString() })
      .where('order_id', '=', orderId)
      .execute();
  }

  async function advance(orderId: string, step: Step, cardToken: string): Promise<Step> {
    const order = await findOrder(ctx.db, orderId);
    if (!order) return 'done';
    const saga = order.saga;
    if (order.status === 'CANCELLED' && step !== 'compensate' && step !== 'done') return 'compensate';
    switch (step) {
      case 'reserve': {
        const items = (JSON.parse(order.items) as Array<{ productId: string; quantity: number }>).map(({ productId, quantity }) => ({ productId, quantity }));
        const result = await ctx.call(inventoryApi, 'reserve', { body: { orderId, items, saga } });
        if (result.status === 'reserved') {
          await applyFact(ctx, orderId, { kind: 'stock-reserved' });
          return 'capture';
        }
        await applyFact(ctx, orderId, { kind: 'stock-rejected', reason: result.reason ?? 'out-of-stock' });
        return 'done';
      }
      case 'capture': {
        const result = await ctx.call(paymentsApi, 'capture', {
          body: { orderId, userId: order.user_id, amountCents: Number(order.total_cents), currency: order.currency, cardToken, saga },
        });
        if (result.status === 'captured') {
          await applyFact(ctx, orderId, { kind: 'payment-captured' });
          return 'ship';
        }
        await applyFact(ctx, orderId, { kind: 'payment-declined', reason: result.reason ?? 'declined' });
        return 'compensate';
      }
      case 'ship': {
        await ctx.call(shippingApi, 'createShipment', { body: { orderId, userId: order.user_id, address: JSON.parse(order.shipping_address), saga } });
        await applyFact(ctx, orderId, { kind: 'shipped' });
        return 'done';
      }
      case 'compensate': {
        // Reverse order of the forward steps: the payment was taken after the stock.
        if (order.payment_state === 'captured' || order.payment_state === 'pending') {
          const refund = await ctx.call(paymentsApi, 'refund', { params: { orderId }, body: { userId: order.user_id, saga } });
          if (refund.status === 'refunded') await applyFact(ctx, orderId, { kind: 'payment-refunded' });
          if (refund.status === 'voided') await applyFact(ctx, orderId, { kind: 'payment-voided' });
        }
        if (order.stock_state === 'reserved' || order.stock_state === 'pending') {
          await ctx.call(inventoryApi, 'release', { params: { orderId }, body: { saga } });
          await applyFact(ctx, orderId, { kind: 'stock-released' });
        }
        return 'done';
      }
      case 'done':
      case 'stuck':
        return step;
    }
  }

  async function runDue(): Promise<number> {
    const due = await ctx.db
      .selectFrom('sagas')
      .select(['order_id', 'step', 'card_token', 'attempts', 'traceparent'])
      .where('step', 'not in', ['done', 'stuck'])
      .where('next_attempt_at', '<=', new Date().toISOString())
      .orderBy('next_attempt_at')
      .limit(BATCH)
      .execute();
    await Promise.all(
      due.map(async (saga) => {
        const step = saga.step as Step;
        try {
          const next = await withSpan('orders', `saga ${step}`, SpanKind.INTERNAL, { 'agora.order': saga.order_id }, () => advance(saga.order_id, step, saga.card_token), contextFromTraceparent(saga.traceparent ?? undefined));
          await record(saga.order_id, step, next, `ok → ${next}`);
        } catch (error) {
          const attempts = Number(saga.attempts) + 1;
          const terminal = error instanceof AppError && error.terminal;
          const message = (error as Error).message;
          if (terminal && step === 'compensate') {
            // Undoing was refused: retrying cannot help. The saga waits in `stuck` for an operator.
            ctx.logger.error({ orderId: saga.order_id, step, err: error }, 'saga compensation refused; needs an operator');
            await record(saga.order_id, step, 'stuck', `refused: ${message}`, attempts);
            return;
          }
          if (terminal) {
            // A refused command cannot succeed later: the order is cancelled and what was done is undone.
            await applyFact(ctx, saga.order_id, { kind: 'step-refused', reason: `${step}-refused: ${message}` });
            await record(saga.order_id, step, 'compensate', `refused: ${message}`, attempts);
            return;
          }
          const delayMs = Math.min(10_000, 100 * 2 ** Math.min(attempts, 7)) * (0.5 + Math.random() / 2);
          ctx.logger.warn({ orderId: saga.order_id, step, attempts, err: error }, 'saga step failed; will retry');
          await record(saga.order_id, step, step, `failed: ${message}`, attempts, delayMs);
        }
      }),
    );
    return due.length;
  }

  async function run(): Promise<void> {
    while (running) {
      const handled = await runDue().catch((error) => {
        ctx.logger.error({ err: error }, 'orchestrator pass failed');
        return 0;
      });
      if (handled === BATCH || !running) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, ctx.config.SAGA_POLL_MS);
      });
    }
  }

  return {
    start() {
      // Runs whatever the current style: orders placed under orchestration before a restart still finish.
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      wake?.();
      await loop;
    },
  };
}

export async function sagaLog(ctx: ServiceContext<OrdersDb>, orderId: string): Promise<SagaLogEntry[]> {
  const saga = await ctx.db.selectFrom('sagas').select('log').where('order_id', '=', orderId).executeTakeFirst();
  return saga ? (JSON.parse(saga.log) as SagaLogEntry[]) : [];
}
