import { useCallback } from 'react';
import type { AdminApi } from '../api/admin.ts';
import type { Topology } from '../api/types.ts';
import { usePoll } from '../api/usePoll.ts';
import { ErrorNote, Unavailable } from '../ui/Notes.tsx';

/** The service's routes and events as its contract declares them, with the API documents beside. */
export function ServiceContract({ admin, service, topology }: { admin: AdminApi; service: string; topology: Topology }) {
  const contract = usePoll(`contract:${service}`, useCallback((signal: AbortSignal) => admin.contract(service, signal), [admin, service]), 0);
  const version = topology.edges.find((edge) => edge.kind === 'call' && edge.to === service)?.label.split(' v')[1];
  const links = (
    <p className="doc-links">
      <a href="/docs" target="_blank" rel="noreferrer">
        API docs
      </a>
      <a href="/openapi.json" target="_blank" rel="noreferrer">
        openapi.json
      </a>
      <a href="/asyncapi.json" target="_blank" rel="noreferrer">
        asyncapi.json
      </a>
    </p>
  );

  if (contract.missing) {
    return (
      <div data-testid="service-contract">
        <Unavailable what="The contract view" testId="contract-unavailable" />
        {version && <p className="small">Routed contract version: v{version}</p>}
        {links}
      </div>
    );
  }
  const data = contract.data;
  return (
    <div data-testid="service-contract">
      {contract.error && <ErrorNote>{contract.error}</ErrorNote>}
      {data && (
        <>
          <p className="small">
            <span className="strong">
              {data.service} v{data.version}
            </span>{' '}
            — {data.description}
          </p>
          <table className="compact-table routes-table">
            <thead>
              <tr>
                <th scope="col">Route</th>
                <th scope="col">Access</th>
              </tr>
            </thead>
            <tbody>
              {data.routes.map((route) => (
                <tr key={route.operation} className={route.deprecated ? 'is-deprecated' : undefined} title={route.summary}>
                  <td>
                    <code>
                      {route.method} {route.path}
                    </code>
                    {route.deprecated && <span className="badge badge-warn">deprecated</span>}
                    <div className="muted small">{route.summary}</div>
                  </td>
                  <td>{route.access}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="small">
            <span className="strong">Publishes:</span> {data.publishes.length === 0 ? 'nothing' : data.publishes.map((event) => event.type).join(', ')}
            <br />
            <span className="strong">Consumes:</span> {data.consumes.length === 0 ? 'nothing' : data.consumes.join(', ')}
          </p>
        </>
      )}
      {contract.loading && !data && <p className="muted small">Loading…</p>}
      {links}
    </div>
  );
}
