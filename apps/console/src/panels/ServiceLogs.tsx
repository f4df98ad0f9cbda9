import { useCallback, useState } from 'react';
import type { AdminApi } from '../api/admin.ts';
import { usePoll } from '../api/usePoll.ts';
import { ErrorNote, Unavailable } from '../ui/Notes.tsx';
import { formatTime } from '../ui/format.ts';
import { TraceIdForm } from '../ui/TraceIdForm.tsx';

/** The service's recent log lines from every instance, optionally only one trace's. */
export function ServiceLogs({ admin, service, initialTraceId = '' }: { admin: AdminApi; service: string; initialTraceId?: string }) {
  const [traceId, setTraceId] = useState(initialTraceId);
  const logs = usePoll(`logs:${service}:${traceId}`, useCallback((signal: AbortSignal) => admin.logs(service, traceId, signal), [admin, service, traceId]), 0);

  const submit = (draft: string) => {
    if (draft === traceId) logs.refresh();
    setTraceId(draft);
  };

  return (
    <div data-testid="service-logs">
      <TraceIdForm
        initial={initialTraceId}
        allowEmpty
        placeholder="32 hex digits, empty for all"
        buttonLabel={(draft) => (draft === traceId ? 'Refresh' : 'Filter')}
        inputTestId="service-logs-trace"
        buttonTestId="service-logs-load"
        onSubmit={submit}
      />
      {logs.missing ? (
        <Unavailable what="The log view" testId="logs-unavailable" />
      ) : logs.error ? (
        <ErrorNote>{logs.error}</ErrorNote>
      ) : (
        <ol className="log-lines">
          {(logs.data?.items ?? []).map((line, index) => (
            <li key={`${line.time}-${line.pid}-${index}`} className={`log-line level-${line.level}`} data-testid="log-line">
              <span className="log-time">{formatTime(line.time)}</span> <span className="log-level">{line.level}</span> <span className="log-msg">{line.msg}</span>
              {Object.keys(line.fields).length > 0 && <span className="log-fields"> {compact(line.fields)}</span>}
            </li>
          ))}
          {logs.data && logs.data.items.length === 0 && <li className="muted">No log lines{traceId ? ' for this trace' : ''}.</li>}
        </ol>
      )}
    </div>
  );
}

function compact(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}
