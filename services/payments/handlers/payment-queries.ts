import { problems, type Principal, type ServiceContext } from '@agora/chassis';
import { readAll, readStream } from '../storage/ledger.ts';
import type { PaymentsDb } from '../storage/payments-db.ts';
import { replay, statusOf } from './replay.ts';

type Ctx = ServiceContext<PaymentsDb>;

/** The payment as its owner (or an admin) sees it; anyone else gets the same 404 as for no payment. */
export async function paymentOf(ctx: Ctx, orderId: string, principal: Principal | undefined) {
  if (!principal) throw problems.unauthorized('a bearer token is required');
  const events = await readStream(ctx.db, orderId);
  const state = replay(events);
  const allowed = principal.role === 'admin' || (state.userId !== null && state.userId === principal.sub);
  if (events.length === 0 || !allowed) throw problems.notFound(`no payment for order ${orderId}`);
  return {
    orderId,
    status: statusOf(state),
    amountCents: state.amountCents,
    currency: state.currency,
    capturedCents: state.capturedCents,
    refundedCents: state.refundedCents,
    reason: state.reason,
    ledger: events.map((event) => ({
      version: event.version,
      type: event.type,
      amountCents: 'amountCents' in event.data ? event.data.amountCents : 0,
      at: event.recordedAt,
    })),
  };
}

/** Totals over every stream, replayed from the ledger (the books, as an auditor would recompute them). */
export async function ledgerTotals(ctx: Ctx) {
  const streams = await readAll(ctx.db);
  let capturedCents = 0;
  let refundedCents = 0;
  let events = 0;
  for (const stream of streams.values()) {
    const state = replay(stream);
    capturedCents += state.capturedCents;
    refundedCents += state.refundedCents;
    events += stream.length;
  }
  return { payments: streams.size, capturedCents, refundedCents, netCents: capturedCents - refundedCents, events };
}
