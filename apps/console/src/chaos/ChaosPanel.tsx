import { useId, useState } from 'react';
import type { AdminApi } from '../api/admin.ts';
import type { ServiceStatus } from '../api/types.ts';
import type { LiveView } from '../graph/live-view.ts';
import type { Fallbacks } from '../system/useFallbacks.ts';
import { ErrorNote, Unavailable } from '../ui/Notes.tsx';
import { ChaosRow } from './ChaosRow.tsx';

export interface ChaosPanelProps {
  admin: AdminApi;
  statuses: ServiceStatus[] | undefined;
  statusError: string | undefined;
  view: LiveView;
  fallbacks: Fallbacks;
  onChanged: () => void;
}

/** Break things on purpose, per service, and see how the system copes: breakers, fallbacks, outboxes. */
export function ChaosPanel({ admin, statuses, statusError, view, fallbacks, onChanged }: ChaosPanelProps) {
  const id = useId();
  const [runControlMissing, setRunControlMissing] = useState(false);
  const openBreakers = Object.entries(view.breakers).filter(([, state]) => state !== 'closed');
  const pending = Object.entries(view.outbox).filter(([, count]) => count > 0);
  const waiting = Object.entries(view.waiting).filter(([, count]) => count > 0);

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="chaos-panel">
      <h2 id={`${id}-title`}>Chaos</h2>
      <dl className="effects">
        <div>
          <dt>Breakers</dt>
          <dd data-testid="chaos-breakers">
            {openBreakers.length === 0
              ? 'all closed'
              : openBreakers.map(([edge, state]) => (
                  <span key={edge} className={`breaker-chip breaker-${state}`}>
                    {edge.replace(/^call:/, '')} {state}
                  </span>
                ))}
          </dd>
        </div>
        <div>
          <dt>Fallbacks served</dt>
          <dd>
            <span data-testid="fallback-count">{fallbacks.total ?? '–'}</span>
            {fallbacks.recentTotal > 0 && <span className="fallback-chip" title="served in the last 10 seconds"> +{fallbacks.recentTotal} / 10 s</span>}
            {fallbacks.error && <span className="muted small"> (metrics: {fallbacks.error})</span>}
          </dd>
        </div>
        <div>
          <dt>Outbox pending</dt>
          <dd data-testid="chaos-outbox">{pending.length === 0 ? 'none' : pending.map(([service, count]) => `${service} ${count}`).join(', ')}</dd>
        </div>
        <div>
          <dt>Waiting on the bus</dt>
          <dd data-testid="chaos-waiting">{waiting.length === 0 ? 'none' : waiting.map(([service, count]) => `${service} ${count}`).join(', ')}</dd>
        </div>
      </dl>
      {runControlMissing && <Unavailable what="Stopping and starting services" testId="chaos-stop-unavailable" />}
      {statusError && <ErrorNote>{statusError}</ErrorNote>}
      <div className="chaos-rows">
        {(statuses ?? []).map((status) => (
          <ChaosRow
            key={status.service}
            admin={admin}
            status={status}
            state={view.states.get(status.service) ?? 'up'}
            runControlMissing={runControlMissing}
            onRunControlMissing={() => setRunControlMissing(true)}
            onChanged={onChanged}
          />
        ))}
      </div>
    </section>
  );
}
