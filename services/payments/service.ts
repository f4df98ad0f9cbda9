import { Type, defineService, reply } from '@agora/chassis';
import { paymentsApi } from './contract/api.ts';
import { paymentEvents } from './contract/events.ts';
import { capture, refund } from './handlers/payment-commands.ts';
import { ledgerTotals, paymentOf } from './handlers/payment-queries.ts';
import { capturePayment, refundPayment } from './handlers/reactions.ts';
import { paymentsStorage } from './storage/payments-db.ts';

/** Payments: an event-sourced ledger of charges and refunds, one stream per order. */
export const payments = defineService({
  name: 'payments',
  description: 'Charges and refunds as an append-only, event-sourced ledger; state is always a replay.',
  api: paymentsApi,
  publishes: paymentEvents,
  dependsOn: [],
  config: Type.Object({
    PAYMENT_TIMEOUT_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 1_000 }), // 1 s for the processor to answer
    PAYMENT_PROCESSOR_SLOW_MS: Type.Integer({ minimum: 0, maximum: 120_000, default: 3_000 }), // 3 s: tok_slow misses the deadline
  }),
  storage: paymentsStorage,
  create: (ctx) => ({
    handlers: {
      getPayment: async ({ params, principal }) => reply.ok(await paymentOf(ctx, params.orderId, principal)),
      ledgerTotals: async () => reply.ok(await ledgerTotals(ctx)),
      capture: async ({ body }) => reply.ok(await capture(ctx, body)),
      refund: async ({ params, body }) => reply.ok(await refund(ctx, params.orderId, body.userId, body.saga)),
    },
    consumers: [capturePayment, refundPayment],
  }),
});
