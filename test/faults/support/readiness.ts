import { setTimeout as sleep } from 'node:timers/promises';

/** A service's readiness changed at `at` (on the history's clock). */
export interface ReadinessChange {
  at: number;
  service: string;
  up: boolean;
}

/** What readiness did around one fault. */
export interface FaultReadiness {
  /** Some watched service was seen not ready between injection and recovery. */
  wentDown: boolean;
  /** Every watched service was ready again when the fault counted as recovered. */
  cameBack: boolean;
  /** The longest any watched service was not ready within the fault's window. */
  downMs: number;
}

/**
 * Polls `/readyz` of every instance of every service, straight (not through any fault proxy), and
 * keeps when each service went down and came back. A service is ready while every instance it has
 * answers 200 within the probe's deadline: a killed process refuses, a paused one does not answer,
 * one cut off from its database or broker answers 503.
 */
export class ReadinessWatch {
  readonly changes: ReadinessChange[] = [];
  readonly #targets: () => Record<string, string[]>;
  readonly #now: () => number;
  readonly #latest = new Map<string, boolean>();
  readonly #up = new Map<string, boolean>();
  #running = false;
  #loops: Promise<void>[] = [];

  readonly options: { intervalMs: number; probeTimeoutMs: number };

  constructor(targets: () => Record<string, string[]>, now: () => number, options = { intervalMs: 200, probeTimeoutMs: 1_500 }) {
    this.#targets = targets;
    this.#now = now;
    this.options = options;
  }

  start(): void {
    this.#running = true;
    this.#loops = [this.#loop()];
  }

  async stop(): Promise<void> {
    this.#running = false;
    // Loops started while waiting are awaited too.
    for (let i = 0; i < this.#loops.length; i++) await this.#loops[i];
  }

  isUp(service: string): boolean {
    return this.#up.get(service) === true;
  }

  /** Resolves once every one of `services` is ready (as last probed); throws after `timeoutMs`. */
  async waitUp(services: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!services.every((service) => this.isUp(service))) {
      if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms: ${services.filter((service) => !this.isUp(service)).join(', ')}`);
      await sleep(this.options.intervalMs);
    }
  }

  /** Readiness of `services` from `from` to `to`: down at any point, and up at `to`. */
  during(services: string[], from: number, to: number): FaultReadiness {
    let wentDown = false;
    let downMs = 0;
    let cameBack = true;
    for (const service of services) {
      const own = this.changes.filter((change) => change.service === service);
      let up = own.filter((change) => change.at <= from).at(-1)?.up ?? true;
      let downSince = up ? undefined : from;
      let serviceDownMs = 0;
      for (const change of own.filter((candidate) => candidate.at > from && candidate.at <= to)) {
        if (!change.up && up) downSince = change.at;
        if (change.up && !up) serviceDownMs += change.at - downSince!;
        up = change.up;
      }
      if (!up) serviceDownMs += to - downSince!;
      downMs = Math.max(downMs, serviceDownMs);
      wentDown ||= downSince !== undefined;
      cameBack &&= up;
    }
    return { wentDown, cameBack, downMs };
  }

  /** Each instance is probed on its own, so one that hangs does not slow the others' samples. */
  async #loop(): Promise<void> {
    const probing = new Set<string>();
    while (this.#running) {
      const targets = this.#targets();
      for (const url of Object.values(targets).flat()) {
        if (probing.has(url)) continue;
        probing.add(url);
        this.#loops.push(this.#probeLoop(url));
      }
      for (const [service, urls] of Object.entries(targets)) {
        const up = urls.length > 0 && urls.every((url) => this.#latest.get(url) === true);
        if (this.#up.get(service) !== up) {
          this.#up.set(service, up);
          this.changes.push({ at: this.#now(), service, up });
        }
      }
      await sleep(this.options.intervalMs / 2);
    }
  }

  async #probeLoop(url: string): Promise<void> {
    while (this.#running) {
      const ok = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(this.options.probeTimeoutMs) }).then(
        async (response) => {
          await response.body?.cancel();
          return response.status === 200;
        },
        () => false,
      );
      this.#latest.set(url, ok);
      await sleep(this.options.intervalMs);
    }
  }
}
