import { Type, defineEvent } from '@agora/chassis';
import { SagaStyle } from '@agora/orders/contract/shared';

export const paymentCaptured = defineEvent(
  'payments',
  'payment.captured.v1',
  Type.Object({ orderId: Type.String(), amountCents: Type.Integer(), currency: Type.String(), saga: SagaStyle }),
  "The order's amount was charged.",
);

export const paymentDeclined = defineEvent(
  'payments',
  'payment.declined.v1',
  Type.Object({ orderId: Type.String(), reason: Type.String(), saga: SagaStyle }),
  'The card was declined, or the processor did not answer in time; nothing was charged.',
);

export const paymentRefunded = defineEvent(
  'payments',
  'payment.refunded.v1',
  Type.Object({ orderId: Type.String(), amountCents: Type.Integer(), currency: Type.String(), saga: SagaStyle }),
  'A captured payment was given back (compensation).',
);

export const paymentEvents = [paymentCaptured, paymentDeclined, paymentRefunded];
