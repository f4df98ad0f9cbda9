import { useEffect, useId, useRef } from 'react';
import type { AdminApi } from '../api/admin.ts';
import type { LiveTick, ServiceStatus, Topology } from '../api/types.ts';
import type { LiveView } from '../graph/live-view.ts';
import { RedMetrics } from './RedMetrics.tsx';
import { ServiceContract } from './ServiceContract.tsx';
import { ServiceFlows } from './ServiceFlows.tsx';
import { ServiceLogs } from './ServiceLogs.tsx';

export interface ServicePanelProps {
  admin: AdminApi;
  service: string;
  topology: Topology;
  ticks: LiveTick[];
  view: LiveView;
  status: ServiceStatus | undefined;
  fallbacks: Record<string, number>;
  onClose: () => void;
}

const STATE_TEXT = { up: 'running', 'not-ready': 'running, not ready', stopped: 'stopped by an operator', unreachable: 'unreachable' } as const;

/** Everything about one service: health, RED metrics, breakers, contract, instances and logs. */
export function ServicePanel({ admin, service, topology, ticks, view, status, fallbacks, onClose }: ServicePanelProps) {
  const id = useId();
  const node = topology.nodes.find((item) => item.id === service);
  const state = view.states.get(service) ?? 'up';
  const instances = node?.instances ?? [];
  const element = useRef<HTMLElement>(null);

  // Opened from the graph, the panel may be out of sight (scrolled side column, or below the graph in a narrow window).
  useEffect(() => {
    element.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [service]);

  return (
    <section ref={element} className="card service-panel" aria-labelledby={`${id}-title`} data-testid="service-panel" data-service={service}>
      <header className="panel-header">
        <h2 id={`${id}-title`}>{service}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label={`Close ${service}`} data-testid="service-panel-close">
          ×
        </button>
      </header>
      <dl className="health" data-testid="service-health">
        <div>
          <dt>State</dt>
          <dd className={`state-text state-${state}`}>{STATE_TEXT[state]}</dd>
        </div>
        <div>
          <dt>Readiness</dt>
          <dd data-testid="service-ready">{status ? (status.ready ? 'ready' : 'not ready') : '–'}</dd>
        </div>
        <div>
          <dt>Instances</dt>
          <dd>{status?.instances ?? instances.length}</dd>
        </div>
        <div>
          <dt>Outbox</dt>
          <dd>{view.outbox[service] ?? 0} pending</dd>
        </div>
        {view.waiting[service] !== undefined && (
          <div>
            <dt>Waiting on the bus</dt>
            <dd data-testid="service-waiting">{view.waiting[service]} events</dd>
          </div>
        )}
        {status?.error && (
          <div className="wide">
            <dt>Last error</dt>
            <dd className="error-text">{status.error}</dd>
          </div>
        )}
      </dl>

      <h3>Requests served</h3>
      <RedMetrics service={service} ticks={ticks} topology={topology} />

      <ServiceFlows service={service} topology={topology} view={view} status={status} fallbacks={fallbacks} />

      <h3>Contract</h3>
      <ServiceContract admin={admin} service={service} topology={topology} />

      <h3>Instances</h3>
      <table className="compact-table" data-testid="service-instances">
        <thead>
          <tr>
            <th scope="col">Release</th>
            <th scope="col">Process</th>
            <th scope="col">Address</th>
            <th scope="col">Ready</th>
          </tr>
        </thead>
        <tbody>
          {instances.map((instance, index) => (
            <tr key={`${instance.url ?? ''}-${instance.pid ?? index}`}>
              <td>v{instance.version}</td>
              <td>{instance.pid ?? '–'}</td>
              <td>{instance.url ?? 'in-process'}</td>
              <td>{instance.ready === undefined ? '–' : instance.ready ? 'yes' : 'no'}</td>
            </tr>
          ))}
          {instances.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                No live instance.
              </td>
            </tr>
          )}
        </tbody>
      </table>

      <h3>Logs</h3>
      <ServiceLogs key={service} admin={admin} service={service} />
    </section>
  );
}
