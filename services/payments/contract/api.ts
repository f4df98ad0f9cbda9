import { Type, defineApi } from '@agora/chassis';
import { SagaStyle } from '@agora/orders/contract/shared';

export const PaymentStatus = Type.Union([Type.Literal('captured'), Type.Literal('declined'), Type.Literal('refunded'), Type.Literal('voided')]);

/** A payment as replayed from its ledger stream. */
export const Payment = Type.Object({
  orderId: Type.String(),
  status: PaymentStatus,
  amountCents: Type.Integer(),
  currency: Type.String(),
  capturedCents: Type.Integer(),
  refundedCents: Type.Integer(),
  reason: Type.Union([Type.String(), Type.Null()]),
  ledger: Type.Array(Type.Object({ version: Type.Integer(), type: Type.String(), amountCents: Type.Integer(), at: Type.String() })),
});

export const CaptureRequest = Type.Object(
  {
    orderId: Type.String({ minLength: 1 }),
    userId: Type.String({ minLength: 1 }),
    amountCents: Type.Integer({ minimum: 0 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    cardToken: Type.String({ minLength: 1 }),
    saga: SagaStyle,
  },
  { additionalProperties: false },
);

export const PaymentResult = Type.Object({ orderId: Type.String(), status: PaymentStatus, reason: Type.Union([Type.String(), Type.Null()]) });

export const LedgerTotals = Type.Object({
  payments: Type.Integer(),
  capturedCents: Type.Integer(),
  refundedCents: Type.Integer(),
  netCents: Type.Integer(),
  events: Type.Integer(),
});

/**
 * Test card tokens: `tok_visa` is captured, `tok_declined` is declined, `tok_slow` answers after the
 * processor deadline (PAYMENT_TIMEOUT_MS) and is declined as a timeout.
 */
export const TEST_CARDS = { ok: 'tok_visa', declined: 'tok_declined', slow: 'tok_slow' } as const;

export const paymentsApi = defineApi('payments', '1.0.0', {
  getPayment: {
    method: 'GET',
    path: '/api/v1/payments/:orderId',
    access: 'user',
    summary: "An order's payment, replayed from the ledger",
    params: Type.Object({ orderId: Type.String({ minLength: 1, maxLength: 64 }) }),
    response: { 200: Payment },
  },
  ledgerTotals: { method: 'GET', path: '/api/v1/admin/ledger', access: 'admin', summary: 'Totals replayed from every ledger event', response: { 200: LedgerTotals } },
  capture: {
    method: 'POST',
    path: '/internal/v1/payments',
    access: 'internal',
    summary: 'Charge the card for an order (saga command; idempotent per order)',
    body: CaptureRequest,
    response: { 200: PaymentResult },
  },
  refund: {
    method: 'POST',
    path: '/internal/v1/payments/:orderId/refund',
    access: 'internal',
    summary: "Refund an order's captured payment, or void it if none (compensation; idempotent)",
    params: Type.Object({ orderId: Type.String({ minLength: 1 }) }),
    body: Type.Object({ userId: Type.String({ minLength: 1 }), saga: SagaStyle }, { additionalProperties: false }),
    response: { 200: PaymentResult },
  },
});
