import { context, propagation, trace, SpanKind, SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace';

export { SpanKind };

/** A finished span in the shape the console and tests read. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  kind: string;
  startTime: number;
  durationMs: number;
  status: 'ok' | 'error';
  attributes: Attributes;
}

const RECENT_SPAN_LIMIT = 5000;

/** Keeps the most recent finished spans in memory (a ring), for the console when no OTLP endpoint is set. */
class RecentSpans implements SpanProcessor {
  readonly #ring: ReadableSpan[] = [];
  #next = 0;
  readonly watchers = new Set<(span: SpanRecord) => void>();
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    // Stored as is; turned into records only when someone asks, off the hot path.
    this.#ring[this.#next] = span;
    this.#next = (this.#next + 1) % RECENT_SPAN_LIMIT;
    if (this.watchers.size === 0) return;
    const record = toRecord(span);
    for (const watcher of this.watchers) watcher(record);
  }
  spans(): SpanRecord[] {
    const ordered = this.#ring.length < RECENT_SPAN_LIMIT ? this.#ring : [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
    return ordered.map(toRecord);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function toRecord(span: ReadableSpan): SpanRecord {
  const [seconds, nanos] = span.startTime;
  const [durationSeconds, durationNanos] = span.duration;
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    service: String(span.attributes['agora.service'] ?? span.instrumentationScope.name),
    kind: SpanKind[span.kind],
    startTime: seconds * 1000 + nanos / 1e6,
    durationMs: durationSeconds * 1000 + durationNanos / 1e6,
    status: span.status.code === SpanStatusCode.ERROR ? 'error' : 'ok',
    attributes: span.attributes,
  };
}

const recent = new RecentSpans();
let provider: TracerProvider | undefined;

/**
 * Installs the global tracer provider, async context and W3C propagation once per process. Spans
 * always stay in memory for the console; with OTEL_EXPORTER_OTLP_ENDPOINT set they are also
 * exported (OTLP over HTTP) to a collector, Jaeger or Tempo.
 */
export async function installTracing(processName = 'agora', env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (provider) return;
  const processors: SpanProcessor[] = [recent];
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) {
    // Loaded only when used: the exporter brings the whole OTLP transformer with it.
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    processors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), scheduledDelayMillis: 1_000 }));
  }
  provider = new TracerProvider({ spanProcessors: processors, resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? processName }) });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
}

/** Sends spans still buffered for export; called on graceful shutdown. */
export async function flushTracing(timeoutMs = 2_000): Promise<void> {
  if (!provider) return;
  // A collector that is down must not hold shutdown past its budget: spans are dropped instead.
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  await Promise.race([provider.forceFlush().catch(() => undefined), deadline]);
  clearTimeout(timer);
}

export function recentSpans(traceId?: string): SpanRecord[] {
  const spans = recent.spans();
  return traceId ? spans.filter((span) => span.traceId === traceId) : spans;
}

/**
 * Calls `watcher` with every span this process finishes from now on, until the returned function
 * is called: the live console hears requests complete without scanning the ring each second.
 */
export function watchSpans(watcher: (span: SpanRecord) => void): () => void {
  recent.watchers.add(watcher);
  return () => recent.watchers.delete(watcher);
}

/** Runs `work` inside a new span named `service.operation`, a child of `parent` or of the active span. */
export async function withSpan<T>(
  service: string,
  operation: string,
  kind: SpanKind,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  const span = trace.getTracer(service).startSpan(`${service}.${operation}`, { kind, attributes: { ...attributes, 'agora.service': service } }, parent);
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The active span's `traceparent`, to put on an outgoing request or event. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** A context whose parent is the remote span named by `traceparent` (from a header or an event). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return context.active();
  return propagation.extract(context.active(), { traceparent });
}

export function activeTraceIds(): { traceId?: string; spanId?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}
