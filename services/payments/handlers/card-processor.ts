import { setTimeout as sleep } from 'node:timers/promises';

export type ChargeOutcome = { captured: true } | { captured: false; reason: string };

export interface ProcessorConfig {
  /** How long payments waits for the processor, in milliseconds. */
  PAYMENT_TIMEOUT_MS: number;
  /** How long the simulated processor takes for `tok_slow`, in milliseconds. */
  PAYMENT_PROCESSOR_SLOW_MS: number;
}

/**
 * The card processor the shop talks to, simulated by test card tokens: `tok_visa` is captured,
 * `tok_slow` is captured after `slowMs`, anything else (`tok_declined` included) is declined.
 * Like a real client call it stops when `signal` aborts.
 */
export async function charge(cardToken: string, amountCents: number, options: { slowMs: number; signal?: AbortSignal }): Promise<ChargeOutcome> {
  options.signal?.throwIfAborted();
  if (cardToken === 'tok_slow') await sleep(options.slowMs, undefined, { signal: options.signal });
  if (amountCents < 0) return { captured: false, reason: 'invalid-amount' };
  return cardToken === 'tok_visa' || cardToken === 'tok_slow' ? { captured: true } : { captured: false, reason: 'card-declined' };
}

/**
 * Payments' side of the call: gives the processor PAYMENT_TIMEOUT_MS. A charge that misses the
 * deadline counts as not made and is declined as `processor-timeout`, so a slow processor never
 * holds an order (or a saga step) longer than the deadline.
 */
export async function chargeWithDeadline(config: ProcessorConfig, cardToken: string, amountCents: number): Promise<ChargeOutcome> {
  const deadline = AbortSignal.timeout(config.PAYMENT_TIMEOUT_MS);
  try {
    return await charge(cardToken, amountCents, { slowMs: config.PAYMENT_PROCESSOR_SLOW_MS, signal: deadline });
  } catch (error) {
    if (deadline.aborted) return { captured: false, reason: 'processor-timeout' };
    throw error;
  }
}
