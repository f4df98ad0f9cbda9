import { watchSpans, type SpanRecord } from '@agora/chassis';
import type { CompletedTrace } from './contract.ts';
import { GATEWAY, callEdge } from './edge-ids.ts';
import type { RouteOwners } from './route-owners.ts';

/** Enough to animate a busy second; the edge counts carry the totals. */
const TRACES_PER_TICK = 100;

/**
 * Requests that finished at the gateway since the last drain: each proxied request's server span
 * ends when its answer is sent, and its trace id is the one the client saw in `x-trace-id` (the
 * saga's events carry the same trace on from there).
 */
export class CompletedTraces {
  readonly #owners: RouteOwners;
  #buffer: CompletedTrace[] = [];
  #omitted = 0;
  #unwatch: (() => void) | undefined;

  constructor(owners: RouteOwners) {
    this.#owners = owners;
  }

  start(): void {
    this.#unwatch ??= watchSpans((span) => this.#onSpan(span));
  }

  stop(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#buffer = [];
    this.#omitted = 0;
  }

  /** The traces finished since the last call, the most recent ones when there were many. */
  drain(): { traces: CompletedTrace[]; omitted: number } {
    const drained = { traces: this.#buffer, omitted: this.#omitted };
    this.#buffer = [];
    this.#omitted = 0;
    return drained;
  }

  #onSpan(span: SpanRecord): void {
    if (span.service !== GATEWAY || span.kind !== 'SERVER') return;
    const method = String(span.attributes['http.request.method'] ?? '');
    const route = String(span.attributes['http.route'] ?? '');
    const owner = this.#owners.ownerOf(method, route);
    if (!owner) return;
    this.#buffer.push({ id: span.traceId, edge: callEdge(GATEWAY, owner), route: `${method} ${route}`, status: span.status, durationMs: Math.round(span.durationMs * 10) / 10 });
    if (this.#buffer.length > TRACES_PER_TICK) {
      this.#buffer.shift();
      this.#omitted++;
    }
  }
}
