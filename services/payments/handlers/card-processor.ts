import { setTimeout as sleep } from 'node:timers/promises';

export type ChargeOutcome = { captured: true } | { captured: false; reason: string };

export interface ProcessorConfig {
  PAYMENT_TIMEOUT_MS: number;
  PAYMENT_PROCESSOR_SLOW_MS: number;
}

/**
 * The card processor the shop talks to, simulated by test card tokens: `tok_visa` is captured,
 * `tok_declined` is declined, `tok_slow` answers after PAYMENT_PROCESSOR_SLOW_MS. Payments gives it
 * PAYMENT_TIMEOUT_MS; a charge that misses the deadline counts as not made (declined).
 */
export async function charge(config: ProcessorConfig, cardToken: string): Promise<ChargeOutcome> {
  const processor = async (signal: AbortSignal): Promise<ChargeOutcome> => {
    if (cardToken === 'tok_slow') await sleep(config.PAYMENT_PROCESSOR_SLOW_MS, undefined, { signal });
    return cardToken === 'tok_visa' || cardToken === 'tok_slow' ? { captured: true } : { captured: false, reason: 'card-declined' };
  };
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), config.PAYMENT_TIMEOUT_MS);
  try {
    return await processor(deadline.signal);
  } catch (error) {
    if (deadline.signal.aborted) return { captured: false, reason: 'processor-timeout' };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
