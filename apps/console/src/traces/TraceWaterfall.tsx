import { useState } from 'react';
import type { Span, Trace } from '../api/types.ts';
import { formatMs } from '../ui/format.ts';
import { colourFor } from './colours.ts';

interface Row {
  span: Span;
  depth: number;
}

/** Spans in start order, each under its parent (a span whose parent is elsewhere starts a root). */
function rows(spans: Span[]): Row[] {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const span of [...spans].sort((a, b) => a.startTime - b.startTime)) {
    if (span.parentSpanId && ids.has(span.parentSpanId) && span.parentSpanId !== span.spanId) {
      children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
    } else roots.push(span);
  }
  const ordered: Row[] = [];
  const visit = (span: Span, depth: number, seen: Set<string>) => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    ordered.push({ span, depth });
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1, seen);
  };
  const seen = new Set<string>();
  for (const root of roots) visit(root, 0, seen);
  return ordered;
}

/** A request's trace across services and events: one bar per span on a shared time axis. */
export function TraceWaterfall({ trace }: { trace: Trace }) {
  const [open, setOpen] = useState<string>();
  const ordered = rows(trace.spans);
  const start = Math.min(...trace.spans.map((span) => span.startTime));
  const end = Math.max(...trace.spans.map((span) => span.startTime + span.durationMs));
  const total = Math.max(end - start, 0.001);
  const services = [...new Set(ordered.map((row) => row.span.service))];
  const serviceColour = colourFor(services);

  return (
    <div className="waterfall" data-testid="trace-waterfall">
      <p className="small muted">
        {trace.spans.length} spans across {services.length} {services.length === 1 ? 'service' : 'services'} · {formatMs(end - start)}
      </p>
      <ol className="waterfall-rows">
        {ordered.map(({ span, depth }) => {
          const left = ((span.startTime - start) / total) * 100;
          const width = Math.max((span.durationMs / total) * 100, 0.4);
          const expanded = open === span.spanId;
          return (
            <li key={span.spanId} className={`span-row${span.status === 'error' ? ' is-error' : ''}`} data-testid="trace-span" data-service={span.service}>
              <button type="button" className="span-label" style={{ paddingLeft: `${depth * 12 + 6}px` }} onClick={() => setOpen(expanded ? undefined : span.spanId)} aria-expanded={expanded}>
                <span className="service-chip" style={{ borderLeft: `3px solid ${serviceColour(span.service)}` }}>
                  {span.service}
                </span>{' '}
                <span className="span-name">{span.name}</span> <span className="span-kind">{span.kind.toLowerCase()}</span>
              </button>
              <div className="span-track" aria-hidden="true">
                <div className="span-bar" style={{ left: `${Math.min(left, 99.6)}%`, width: `${Math.min(width, 100 - Math.min(left, 99.6))}%`, background: serviceColour(span.service) }} />
              </div>
              <span className="span-duration">{formatMs(span.durationMs)}</span>
              {expanded && (
                <dl className="span-attributes">
                  <div>
                    <dt>span</dt>
                    <dd className="mono">{span.spanId}</dd>
                  </div>
                  <div>
                    <dt>starts at</dt>
                    <dd>+{formatMs(span.startTime - start)}</dd>
                  </div>
                  {Object.entries(span.attributes).map(([key, value]) => (
                    <div key={key}>
                      <dt>{key}</dt>
                      <dd className="mono">{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
                    </div>
                  ))}
                </dl>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
