import { useId, useState, type FormEvent } from 'react';
import type { AdminApi } from '../api/admin.ts';
import { ApiError, errorText } from '../api/client.ts';
import type { ServiceStatus } from '../api/types.ts';
import type { NodeState } from '../graph/live-view.ts';

export interface ChaosRowProps {
  admin: AdminApi;
  status: ServiceStatus;
  state: NodeState;
  /** The gateway does not serve stop/start. */
  runControlMissing: boolean;
  onRunControlMissing: () => void;
  onChanged: () => void;
}

/** One service's faults (added latency, error rate) and its stop/start switch. */
export function ChaosRow({ admin, status, state, runControlMissing, onRunControlMissing, onChanged }: ChaosRowProps) {
  const id = useId();
  const name = status.service;
  const current = status.faults ?? { latencyMs: 0, errorRate: 0 };
  const [latency, setLatency] = useState<string>();
  const [errors, setErrors] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const stopped = state === 'stopped';

  const latencyValue = latency ?? String(current.latencyMs);
  const errorsValue = errors ?? String(Math.round(current.errorRate * 1000) / 10);

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await action();
      onChanged();
    } catch (failure) {
      setMessage(errorText(failure));
      return false;
    } finally {
      setBusy(false);
    }
    return true;
  };

  const apply = async (event: FormEvent) => {
    event.preventDefault();
    const latencyMs = Math.round(Number(latencyValue));
    const errorRate = Number(errorsValue) / 100;
    if (await run(() => admin.setFaults(name, { latencyMs, errorRate }))) {
      setLatency(undefined);
      setErrors(undefined);
    }
  };

  const toggle = () =>
    void run(async () => {
      try {
        await (stopped ? admin.start(name) : admin.stop(name));
      } catch (failure) {
        if (failure instanceof ApiError && failure.routeMissing) {
          onRunControlMissing();
          return;
        }
        throw failure;
      }
    });

  const faulty = current.latencyMs > 0 || current.errorRate > 0;
  return (
    <form className={`chaos-row state-${state}`} onSubmit={apply} data-testid={`chaos-${name}`} aria-labelledby={`${id}-name`}>
      <div className="chaos-name">
        <span id={`${id}-name`} className="strong">
          {name}
        </span>
        <span className={`state-pill state-${state}`}>{state === 'up' ? 'ready' : state.replace('-', ' ')}</span>
        {faulty && <span className="badge badge-fault">faults on</span>}
      </div>
      <label className="chaos-field">
        <span>Latency ms</span>
        <input type="number" min={0} max={60000} step={50} inputMode="numeric" value={latencyValue} onChange={(event) => setLatency(event.target.value)} data-testid={`chaos-${name}-latency`} />
      </label>
      <label className="chaos-field">
        <span>Errors %</span>
        <input type="number" min={0} max={100} step={5} inputMode="decimal" value={errorsValue} onChange={(event) => setErrors(event.target.value)} data-testid={`chaos-${name}-errors`} />
      </label>
      <div className="chaos-actions">
        <button type="submit" disabled={busy} data-testid={`chaos-${name}-apply`}>
          Apply
        </button>
        {!runControlMissing && (
          <button type="button" className={stopped ? 'primary' : 'danger'} disabled={busy} onClick={toggle} aria-pressed={stopped} data-testid={`chaos-${name}-stop`} data-running={!stopped}>
            {stopped ? 'Start' : 'Stop'}
          </button>
        )}
      </div>
      {message && (
        <p className="form-error chaos-message" role="alert">
          {message}
        </p>
      )}
    </form>
  );
}
