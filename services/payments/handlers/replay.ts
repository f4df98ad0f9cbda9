import type { RecordedEvent } from '../storage/ledger.ts';

export type PaymentStatus = 'captured' | 'declined' | 'refunded' | 'voided';

/** What replay yields; `version` is the last event's, the one an append must follow. */
export interface PaymentState {
  status: PaymentStatus | 'none';
  userId: string | null;
  amountCents: number;
  currency: string;
  capturedCents: number;
  refundedCents: number;
  reason: string | null;
  version: number;
}

const emptyPayment: PaymentState = { status: 'none', userId: null, amountCents: 0, currency: 'EUR', capturedCents: 0, refundedCents: 0, reason: null, version: 0 };

/** A payment is the fold of its ledger stream: the only way its state is ever computed. */
export function replay(events: RecordedEvent[]): PaymentState {
  return events.reduce<PaymentState>((state, event) => {
    const next = { ...state, version: event.version };
    switch (event.type) {
      case 'PaymentCaptured':
        return { ...next, status: 'captured', userId: event.data.userId, amountCents: event.data.amountCents, currency: event.data.currency, capturedCents: state.capturedCents + event.data.amountCents };
      case 'PaymentDeclined':
        return { ...next, status: 'declined', userId: event.data.userId, amountCents: event.data.amountCents, currency: event.data.currency, reason: event.data.reason };
      case 'PaymentRefunded':
        return { ...next, status: 'refunded', refundedCents: state.refundedCents + event.data.amountCents };
      case 'PaymentVoided':
        return state.status === 'none' ? { ...next, status: 'voided', userId: event.data.userId, reason: event.data.reason } : next;
    }
  }, emptyPayment);
}

/**
 * The status callers see. Only an empty stream is 'none', and no caller is shown one: capture and
 * refund always leave an event, and an empty stream is a 404. Should one slip through, nothing was
 * charged, which is what 'voided' says.
 */
export function statusOf(state: PaymentState): PaymentStatus {
  return state.status === 'none' ? 'voided' : state.status;
}
