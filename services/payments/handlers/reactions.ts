import { consume, type ServiceContext } from '@agora/chassis';
import { orderCancelled, orderCreated } from '@agora/orders/contract/events';
import type { PaymentsDb } from '../storage/payments-db.ts';
import type { ProcessorConfig } from './card-processor.ts';
import { capture, refund } from './payment-commands.ts';

type Ctx = ServiceContext<PaymentsDb, ProcessorConfig>;

/** Choreography: charge when an order is placed. Orchestrated orders are charged by command instead. */
export const capturePayment = consume(orderCreated, 'capture-payment', async (event, ctx: Ctx) => {
  const order = event.data;
  if (order.saga !== 'choreography') return;
  await capture(ctx, { orderId: order.orderId, userId: order.userId, amountCents: order.totalCents, currency: order.currency, cardToken: order.payment.cardToken, saga: order.saga });
});

/** Choreography: a cancelled order gets its money back (or a void, so a late charge is refunded at once). */
export const refundPayment = consume(orderCancelled, 'refund-payment', async (event, ctx: Ctx) => {
  if (event.data.saga !== 'choreography') return;
  await refund(ctx, event.data.orderId, event.data.userId, event.data.saga);
});
