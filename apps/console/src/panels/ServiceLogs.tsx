import { useCallback, useId, useState, type FormEvent } from 'react';
import type { AdminApi } from '../api/admin.ts';
import { usePoll } from '../api/usePoll.ts';
import { ErrorNote, Unavailable } from '../ui/Notes.tsx';
import { formatTime } from '../ui/format.ts';

const TRACE_ID = /^[0-9a-f]{32}$/;

/** The service's recent log lines from every instance, optionally only one trace's. */
export function ServiceLogs({ admin, service, initialTraceId = '' }: { admin: AdminApi; service: string; initialTraceId?: string }) {
  const id = useId();
  const [draft, setDraft] = useState(initialTraceId);
  const [traceId, setTraceId] = useState(initialTraceId);
  const logs = usePoll(`logs:${service}:${traceId}`, useCallback((signal: AbortSignal) => admin.logs(service, traceId, signal), [admin, service, traceId]), 0);
  const invalid = draft !== '' && !TRACE_ID.test(draft);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (invalid) return;
    if (draft === traceId) logs.refresh();
    setTraceId(draft);
  };

  return (
    <div data-testid="service-logs">
      <form className="inline-form" onSubmit={submit}>
        <label htmlFor={`${id}-trace`}>Trace id</label>
        <input
          id={`${id}-trace`}
          value={draft}
          onChange={(event) => setDraft(event.target.value.trim().toLowerCase())}
          placeholder="32 hex digits, empty for all"
          aria-invalid={invalid}
          spellCheck={false}
          data-testid="service-logs-trace"
        />
        <button type="submit" disabled={invalid} data-testid="service-logs-load">
          {draft === traceId ? 'Refresh' : 'Filter'}
        </button>
      </form>
      {invalid && <p className="form-error">A trace id is 32 hexadecimal digits.</p>}
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
