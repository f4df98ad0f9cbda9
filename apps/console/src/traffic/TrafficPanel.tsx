import { useCallback, useId, useState } from 'react';
import type { AdminApi } from '../api/admin.ts';
import { ApiError, errorText } from '../api/client.ts';
import type { TrafficStatus } from '../api/types.ts';
import { usePoll } from '../api/usePoll.ts';
import { ErrorNote, Unavailable } from '../ui/Notes.tsx';
import { TrafficCounts } from './TrafficCounts.tsx';

const POLL_MS = 2_000;

/**
 * Starts, re-rates and stops the gateway's traffic generator, and shows what it has done. The live
 * stream carries its status each second when the gateway includes it; otherwise it is polled.
 */
export function TrafficPanel({ admin, live }: { admin: AdminApi; live: TrafficStatus | undefined }) {
  const id = useId();
  const polled = usePoll(live ? null : 'traffic', useCallback((signal: AbortSignal) => admin.traffic(signal), [admin]), POLL_MS);
  const [answer, setAnswer] = useState<TrafficStatus>();
  const status = live ?? polled.data ?? answer;
  const [rate, setRate] = useState<number>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [missing, setMissing] = useState(false);
  const shownRate = rate ?? (status?.rate || 10);

  const act = async (action: () => Promise<TrafficStatus>) => {
    setBusy(true);
    setError(undefined);
    try {
      setAnswer(await action());
      polled.refresh();
    } catch (failure) {
      if (failure instanceof ApiError && failure.routeMissing) setMissing(true);
      else setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`} data-testid="traffic-panel">
      <h2 id={`${id}-title`}>
        Traffic generator
        {status && <span className={`status-pill ${status.running ? 'is-on' : 'is-off'}`}>{status.running ? `running · ${status.rate}/s` : 'stopped'}</span>}
      </h2>
      {(polled.missing || missing) && !live ? (
        <Unavailable what="The traffic generator" testId="traffic-unavailable" />
      ) : (
        <>
          <div className="field-row">
            <label htmlFor={`${id}-rate`}>Rate</label>
            <input
              id={`${id}-rate`}
              type="range"
              min={1}
              max={200}
              value={shownRate}
              onChange={(event) => setRate(Number(event.target.value))}
              data-testid="traffic-rate"
              aria-valuetext={`${shownRate} operations per second`}
            />
            <output htmlFor={`${id}-rate`} className="range-value">
              {shownRate}/s
            </output>
          </div>
          <div className="button-row">
            <button type="button" className="primary" disabled={busy} onClick={() => void act(() => admin.setTraffic(shownRate))} data-testid="traffic-start">
              {status?.running ? 'Set rate' : 'Start'}
            </button>
            <button type="button" disabled={busy || status?.running === false} onClick={() => void act(() => admin.stopTraffic())} data-testid="traffic-stop">
              Stop
            </button>
          </div>
          {error && <ErrorNote>{error}</ErrorNote>}
          {status ? <TrafficCounts status={status} /> : polled.error && !polled.missing ? <ErrorNote>{polled.error}</ErrorNote> : null}
        </>
      )}
    </section>
  );
}
