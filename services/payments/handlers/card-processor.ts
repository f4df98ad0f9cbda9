import { setTimeout as sleep } from 'node:timers/promises';

export type ChargeOutcome = { captured: true } | { captured: false; reason: string };

export interface ProcessorConfig {
  /** How long payments waits for the processor, in milliseconds. */
  PAYMENT_TIMEOUT_MS: number;
  /** How long the simulated processor takes for `tok_slow`, in milliseconds. */
  PAYMENT_PROCESSOR_SLOW_MS: number;
}

/** Charges the simulated processor remembers by idempotency key, as a real one does for a day or so. */
const charges = new Map<string, Promise<ChargeOutcome>>();
const REMEMBERED_CHARGES = 10_000;

/**
 * The card processor the shop talks to, simulated by test card tokens: `tok_visa` is captured,
 * `tok_slow` is captured after `slowMs`, anything else (`tok_declined` included) is declined.
 * Like a real processor it takes an idempotency key: a second charge with the same key (a retried
 * or overlapping capture of one order) gets the first charge's outcome and moves no money again.
 * Like a real client call it stops waiting when `signal` aborts.
 */
export async function charge(idempotencyKey: string, cardToken: string, amountCents: number, options: { slowMs: number; signal?: AbortSignal }): Promise<ChargeOutcome> {
  options.signal?.throwIfAborted();
  let outcome = charges.get(idempotencyKey);
  if (!outcome) {
    if (charges.size >= REMEMBERED_CHARGES) charges.delete(charges.keys().next().value!);
    outcome = (async (): Promise<ChargeOutcome> => {
      if (cardToken === 'tok_slow') await sleep(options.slowMs, undefined, { ref: false });
      if (amountCents < 0) return { captured: false, reason: 'invalid-amount' };
      return cardToken === 'tok_visa' || cardToken === 'tok_slow' ? { captured: true } : { captured: false, reason: 'card-declined' };
    })();
    charges.set(idempotencyKey, outcome);
  }
  if (!options.signal) return outcome;
  const signal = options.signal;
  return new Promise<ChargeOutcome>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    outcome.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/**
 * Payments' side of the call: gives the processor PAYMENT_TIMEOUT_MS. A charge that misses the
 * deadline counts as not made and is declined as `processor-timeout`, so a slow processor never
 * holds an order (or a saga step) longer than the deadline.
 */
export async function chargeWithDeadline(config: ProcessorConfig, idempotencyKey: string, cardToken: string, amountCents: number): Promise<ChargeOutcome> {
  const deadline = AbortSignal.timeout(config.PAYMENT_TIMEOUT_MS);
  try {
    return await charge(idempotencyKey, cardToken, amountCents, { slowMs: config.PAYMENT_PROCESSOR_SLOW_MS, signal: deadline });
  } catch (error) {
    if (deadline.aborted) return { captured: false, reason: 'processor-timeout' };
    throw error;
  }
}
