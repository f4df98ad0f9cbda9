import { useCallback, useId, useState } from 'react';
import type { AdminApi } from '../api/admin.ts';
import type { RecentTrace } from '../api/live.ts';
import { usePoll } from '../api/usePoll.ts';
import { ErrorNote } from '../ui/Notes.tsx';
import { formatMs, formatTime, shortId } from '../ui/format.ts';
import { TraceIdForm } from '../ui/TraceIdForm.tsx';
import { TraceWaterfall } from './TraceWaterfall.tsx';

/** A trace keeps growing while its saga's events are handled; it is read again this often. */
const TRACE_MS = 2_000;
/** The console's own polling; hidden unless asked for, so the shop's requests stand out. */
const OPERATOR_ROUTE = /^\S+ \/api\/v1\/admin\//;

export interface TracesViewProps {
  admin: AdminApi;
  recent: RecentTrace[];
  traceId: string | null;
  onSelectTrace: (traceId: string) => void;
}

/** Pick a request that just finished (from the live stream), or paste a trace id, and see its waterfall. */
export function TracesView({ admin, recent, traceId, onSelectTrace }: TracesViewProps) {
  const id = useId();
  const [showOperator, setShowOperator] = useState(false);
  const shown = showOperator ? recent : recent.filter((item) => !OPERATOR_ROUTE.test(item.route));
  const trace = usePoll(traceId ? `trace:${traceId}` : null, useCallback((signal: AbortSignal) => admin.trace(traceId ?? '', signal), [admin, traceId]), TRACE_MS);

  return (
    <div className="split-view">
      <section className="card picker" aria-labelledby={`${id}-recent`}>
        <h2 id={`${id}-recent`}>Recent requests</h2>
        <TraceIdForm
          allowEmpty={false}
          placeholder="32 hex digits (x-trace-id)"
          buttonLabel={() => 'Show'}
          inputTestId="trace-id-input"
          buttonTestId="trace-id-load"
          onSubmit={onSelectTrace}
        />
        <label className="checkbox">
          <input type="checkbox" checked={showOperator} onChange={(event) => setShowOperator(event.target.checked)} data-testid="traces-show-operator" />
          Show operator requests (this console's own)
        </label>
        <ul className="pick-list" data-testid="recent-traces">
          {shown.map((item) => (
            <li key={`${item.id}-${item.at}`}>
              <button type="button" className={`pick${item.id === traceId ? ' is-current' : ''}`} onClick={() => onSelectTrace(item.id)} aria-pressed={item.id === traceId} data-testid="recent-trace">
                <span className="mono">{item.route}</span>
                <span className={item.status === 'error' ? 'error-text' : 'ok-text'}>{item.status}</span>
                <span className="muted small">
                  {formatMs(item.durationMs)} · {formatTime(item.at)} · {shortId(item.id)}
                </span>
              </button>
            </li>
          ))}
          {shown.length === 0 && <li className="muted">Requests appear here as they finish; send some traffic.</li>}
        </ul>
      </section>
      <section className="card detail" aria-label="Trace">
        {!traceId ? (
          <p className="muted">Pick a request to see its trace.</p>
        ) : trace.error ? (
          <ErrorNote>{trace.error}</ErrorNote>
        ) : trace.data && trace.data.spans.length > 0 ? (
          <>
            <h2 className="mono small-heading">{traceId}</h2>
            <TraceWaterfall trace={trace.data} />
          </>
        ) : trace.data ? (
          <p className="muted" data-testid="trace-empty">
            No spans are kept for trace {traceId} (the services keep recent traces only).
          </p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </section>
    </div>
  );
}
