import { LoadHttp, LoadRequestError } from './load-http.ts';
import { needsOrder, operations } from './operations.ts';
import type { TrafficKind, TrafficStatus } from '../console-api/contract.ts';
import { pickKind } from './traffic-mix.ts';
import { emptyCounts } from './traffic-status.ts';
import { KnownProducts, SHOPPER_COUNT, Shopper } from './shoppers.ts';
import type { Restock } from './restock.ts';

export { SHOPPER_PASSWORD, shopperEmail } from './shoppers.ts';
export type { TrafficKind, TrafficStatus } from '../console-api/contract.ts';
export { TRAFFIC_KINDS } from './traffic-mix.ts';

export const MIN_RATE = 1;
export const MAX_RATE = 200;
/** Operations are started in small batches this often, spreading each second's share over it. */
const TICK_MS = 50;
/** How often a run with a restock looks for products running low. */
const RESTOCK_EVERY_MS = 2_000;

export interface TrafficGeneratorOptions {
  /** The shop's public URL, asked at each start (a gateway knows its own only once it listens). */
  baseUrl: () => string;
  /** Draws the mix; tests pass a seeded one. */
  random?: () => number;
  shoppers?: number;
  /** Overrides how often a run restocks (tests). */
  restockEveryMs?: number;
}

interface Run {
  http: LoadHttp;
  stop: AbortController;
  timer: NodeJS.Timeout;
  credit: number;
  lastTick: number;
  inFlight: Set<Promise<void>>;
  restock?: { every: NodeJS.Timeout; pending?: Promise<void> };
}

/**
 * Drives the shop's public API over real HTTP at a steady rate with a shop's mix of operations
 * (`traffic-mix.ts`), as a small crowd of generated customers. It is bounded: at most twice the
 * rate in flight, and what would go beyond is shed (counted, not queued), so a slow or stopped
 * shop never makes it pile up requests; `stop()` cancels what is in flight and returns at once.
 */
export class TrafficGenerator {
  readonly #options: TrafficGeneratorOptions;
  readonly #random: () => number;
  readonly #shoppers: Shopper[];
  readonly #products = new KnownProducts();
  #run: Run | undefined;
  #rate = 0;
  #startedAt: string | null = null;
  #counts = emptyCounts();
  #shed = 0;
  #restocked = 0;
  #lastError: string | null = null;

  constructor(options: TrafficGeneratorOptions) {
    this.#options = options;
    this.#random = options.random ?? Math.random;
    this.#shoppers = Array.from({ length: options.shoppers ?? SHOPPER_COUNT }, (_, index) => new Shopper(index + 1));
  }

  /**
   * Starts at `rate` operations per second, or changes the rate of the run under way (its counts go
   * on). With `restock`, a new run also tops up products running low every two seconds.
   */
  start(rate: number, restock?: Restock): TrafficStatus {
    if (!Number.isInteger(rate) || rate < MIN_RATE || rate > MAX_RATE) throw new RangeError(`rate must be an integer from ${MIN_RATE} to ${MAX_RATE}`);
    this.#rate = rate;
    if (!this.#run) {
      const stop = new AbortController();
      this.#counts = emptyCounts();
      this.#shed = 0;
      this.#restocked = 0;
      this.#lastError = null;
      this.#startedAt = new Date().toISOString();
      const http = new LoadHttp(this.#options.baseUrl(), stop.signal);
      const run: Run = { http, stop, timer: setInterval(() => this.#tick(run), TICK_MS), credit: 0, lastTick: performance.now(), inFlight: new Set() };
      // Never what keeps a process alive.
      run.timer.unref();
      if (restock) {
        run.restock = { every: setInterval(() => this.#restock(run, restock), this.#options.restockEveryMs ?? RESTOCK_EVERY_MS) };
        run.restock.every.unref();
      }
      this.#run = run;
    }
    return this.status();
  }

  /** Stops starting operations and cancels those in flight (they are not counted). */
  async stop(): Promise<TrafficStatus> {
    const run = this.#run;
    if (run) {
      this.#run = undefined;
      this.#rate = 0;
      clearInterval(run.timer);
      if (run.restock) clearInterval(run.restock.every);
      run.stop.abort();
      await Promise.allSettled([...run.inFlight, run.restock?.pending]);
    }
    return this.status();
  }

  status(): TrafficStatus {
    return {
      running: this.#run !== undefined,
      rate: this.#rate,
      startedAt: this.#startedAt,
      counts: structuredClone(this.#counts),
      shed: this.#shed,
      restocked: this.#restocked,
      inFlight: this.#run?.inFlight.size ?? 0,
      lastError: this.#lastError,
    };
  }

  #tick(run: Run): void {
    const now = performance.now();
    // A stalled event loop catches up by a quarter second at most, not in one burst.
    run.credit = Math.min(run.credit + (this.#rate * (now - run.lastTick)) / 1000, Math.max(1, this.#rate / 4));
    run.lastTick = now;
    for (; run.credit >= 1; run.credit--) {
      if (run.inFlight.size >= 2 * this.#rate) this.#shed++;
      else this.#begin(run);
    }
  }

  /** One look at the stock at a time; a failure (inventory down) is reported and tried at the next one. */
  #restock(run: Run, restock: Restock): void {
    if (!run.restock || run.restock.pending) return;
    run.restock.pending = restock().then(
      (topped) => {
        if (!run.stop.signal.aborted) this.#restocked += topped;
      },
      (error: unknown) => {
        if (!run.stop.signal.aborted) this.#lastError = `restock: ${describe(error)}`;
      },
    ).finally(() => {
      if (run.restock) run.restock.pending = undefined;
    });
  }

  #begin(run: Run): void {
    const shopper = this.#shoppers[Math.floor(this.#random() * this.#shoppers.length)]!;
    let kind: TrafficKind = pickKind(this.#random);
    if (needsOrder(kind) && shopper.orders.length === 0) kind = 'checkout';
    const operation = operations[kind]({ http: run.http, shopper, products: this.#products, random: this.#random }).then(
      () => {
        if (!run.stop.signal.aborted) this.#counts[kind].ok++;
      },
      (error: unknown) => {
        // Cancelled by stop(): neither a success nor the shop's failure.
        if (run.stop.signal.aborted) return;
        this.#counts[kind].failed++;
        this.#lastError = `${kind}: ${describe(error)}`;
        // An expired token: the next operation of this shopper signs in again.
        if (error instanceof LoadRequestError && error.status === 401) shopper.token = undefined;
      },
    );
    run.inFlight.add(operation);
    void operation.finally(() => run.inFlight.delete(operation));
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause ? `${error.message} (${cause.code ?? cause.message})` : error.message;
}
