import type { ServiceContext, Static } from '@agora/chassis';
import type { CaptureRequest } from '../contract/api.ts';
import { paymentCaptured, paymentDeclined, paymentRefunded } from '../contract/events.ts';
import { append, readStream } from '../storage/ledger.ts';
import type { PaymentsDb } from '../storage/payments-db.ts';
import { chargeWithDeadline, type ProcessorConfig } from './card-processor.ts';
import { replay, statusOf, type PaymentState } from './replay.ts';

type Saga = Static<typeof CaptureRequest>['saga'];
type Ctx = ServiceContext<PaymentsDb, ProcessorConfig>;

/** The answer to a saga command (PaymentResult). */
function result(orderId: string, state: PaymentState) {
  return { orderId, status: statusOf(state), reason: state.reason };
}

/**
 * Charges an order once. A stream that already holds anything (captured, declined, voided) is
 * answered as it is: a repeated command or redelivered event never charges again, and an order
 * cancelled before its charge is never charged. The processor is called outside any transaction
 * (a slow card must not hold the ledger); the outcome is then appended against the stream as it is
 * now. If the order was cancelled while the card was charged (a void landed meanwhile), the charge
 * is recorded and refunded at once, so the books add up.
 */
export async function capture(ctx: Ctx, input: Static<typeof CaptureRequest>) {
  const before = replay(await readStream(ctx.db, input.orderId));
  if (before.status !== 'none') return result(input.orderId, before);
  // The order id is the processor's idempotency key: an overlapping capture of the same order cannot charge twice.
  const outcome = await chargeWithDeadline(ctx.config, input.orderId, input.cardToken, input.amountCents);
  return ctx.transaction(async (tx) => {
    const state = replay(await readStream(tx.db, input.orderId));
    const money = { userId: input.userId, amountCents: input.amountCents, currency: input.currency };
    const charged = { orderId: input.orderId, amountCents: input.amountCents, currency: input.currency, saga: input.saga };
    if (state.status === 'none') {
      if (outcome.captured) {
        await append(tx.db, input.orderId, state.version, [{ type: 'PaymentCaptured', data: money }]);
        tx.publish(paymentCaptured, input.orderId, charged);
      } else {
        await append(tx.db, input.orderId, state.version, [{ type: 'PaymentDeclined', data: { ...money, reason: outcome.reason } }]);
        tx.publish(paymentDeclined, input.orderId, { orderId: input.orderId, reason: outcome.reason, saga: input.saga });
      }
    } else if (state.status === 'voided' && outcome.captured) {
      await append(tx.db, input.orderId, state.version, [{ type: 'PaymentCaptured', data: money }, { type: 'PaymentRefunded', data: { amountCents: input.amountCents } }]);
      tx.publish(paymentCaptured, input.orderId, charged);
      tx.publish(paymentRefunded, input.orderId, charged);
    }
    // Otherwise a concurrent duplicate recorded the outcome first: nothing to add.
    return result(input.orderId, replay(await readStream(tx.db, input.orderId)));
  });
}

/**
 * Compensation: refunds what was captured and not yet refunded, or records a void (a tombstone) if
 * nothing was charged yet, so a charge that lands later is refunded at once. Declined, refunded or
 * voided payments are left as they are; the answer is the payment as it now stands.
 */
export async function refund(ctx: Ctx, orderId: string, userId: string, saga: Saga) {
  return ctx.transaction(async (tx) => {
    const state = replay(await readStream(tx.db, orderId));
    const outstanding = state.capturedCents - state.refundedCents;
    if (state.status === 'captured' && outstanding > 0) {
      await append(tx.db, orderId, state.version, [{ type: 'PaymentRefunded', data: { amountCents: outstanding } }]);
      tx.publish(paymentRefunded, orderId, { orderId, amountCents: outstanding, currency: state.currency, saga });
    } else if (state.status === 'none') {
      await append(tx.db, orderId, state.version, [{ type: 'PaymentVoided', data: { userId, reason: 'order-cancelled' } }]);
    }
    return result(orderId, replay(await readStream(tx.db, orderId)));
  });
}
