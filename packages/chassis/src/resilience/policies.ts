import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  noop,
  retry,
  timeout,
  wrap,
  type IPolicy,
} from 'cockatiel';
import { AppError } from '../contract/problems.ts';
import { breakerState } from '../telemetry/metrics.ts';

export interface ResilienceOptions {
  /** Per-attempt deadline. */
  timeoutMs: number;
  /** Attempts for retriable calls, first included. */
  maxAttempts: number;
  /** Consecutive failures that open the breaker. */
  breakerThreshold: number;
  /** How long the breaker stays open before one trial call (half-open). */
  breakerHalfOpenAfterMs: number;
  /** Concurrent calls allowed to one downstream, and how many more may wait: a slow neighbour can't take every socket. */
  bulkheadLimit: number;
  bulkheadQueue: number;
}

export const defaultResilience: ResilienceOptions = {
  timeoutMs: 2_000,
  maxAttempts: 3,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 5_000,
  bulkheadLimit: 64,
  bulkheadQueue: 256,
};

/** Worth another attempt: timeouts, 5xx, connection failures. Never 4xx, an open breaker or a full bulkhead. */
export function isTransient(error: unknown): boolean {
  if (error instanceof BrokenCircuitError || error instanceof BulkheadRejectedError) return false;
  if (error instanceof AppError) return !error.terminal;
  return true;
}

export interface DownstreamPolicies {
  retriable: IPolicy;
  nonRetriable: IPolicy;
  breakerState(): 'closed' | 'open' | 'half-open';
}

const stateNames = { [CircuitState.Closed]: 'closed', [CircuitState.Open]: 'open', [CircuitState.HalfOpen]: 'half-open', [CircuitState.Isolated]: 'open' } as const;
const stateValues = { closed: 0, open: 1, 'half-open': 2 } as const;

/**
 * The policies a caller applies to one downstream service: bulkhead ⟶ retry (idempotent calls only,
 * jittered exponential backoff) ⟶ circuit breaker ⟶ per-attempt timeout. Every attempt counts toward
 * the breaker, and an open breaker fails fast without being retried.
 */
export function downstreamPolicies(caller: string, target: string, options: ResilienceOptions): DownstreamPolicies {
  const transient = handleWhen(isTransient);
  const breaker = circuitBreaker(transient, {
    halfOpenAfter: options.breakerHalfOpenAfterMs,
    breaker: new ConsecutiveBreaker(options.breakerThreshold),
  });
  let state: 'closed' | 'open' | 'half-open' = 'closed';
  breakerState.set({ service: caller, target }, 0);
  breaker.onStateChange((next) => {
    state = stateNames[next];
    breakerState.set({ service: caller, target }, stateValues[state]);
  });
  // Not aborted on return: a finished attempt has nothing left to cancel, and each abort builds an
  // AbortError with a stack trace, the costliest step of an in-process call.
  const attemptTimeout = timeout(options.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  const limiter = bulkhead(options.bulkheadLimit, options.bulkheadQueue);
  const retries =
    options.maxAttempts > 1
      ? retry(transient, { maxAttempts: options.maxAttempts - 1, backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1_000 }) })
      : noop;
  return {
    retriable: wrap(limiter, retries, breaker, attemptTimeout),
    nonRetriable: wrap(limiter, breaker, attemptTimeout),
    breakerState: () => state,
  };
}

export { BrokenCircuitError, BulkheadRejectedError, TaskCancelledError };
