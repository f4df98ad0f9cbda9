import { useMemo, useState } from 'react';
import type { AdminApi } from '../api/admin.ts';
import type { LiveState } from '../api/live.ts';
import { ChaosPanel } from '../chaos/ChaosPanel.tsx';
import { liveView } from '../graph/live-view.ts';
import { TopologyGraph } from '../graph/TopologyGraph.tsx';
import { ServicePanel } from '../panels/ServicePanel.tsx';
import { useFallbacks } from '../system/useFallbacks.ts';
import { useServiceStatuses, useTopology } from '../system/useSystem.ts';
import { TrafficPanel } from '../traffic/TrafficPanel.tsx';
import { ErrorNote } from '../ui/Notes.tsx';

/** The system graph, live, with a side column: the chosen service, the traffic generator and chaos. */
export function TopologyView({ admin, live }: { admin: AdminApi; live: LiveState }) {
  const topology = useTopology(admin);
  const statuses = useServiceStatuses(admin);
  const fallbacks = useFallbacks();
  const [selected, setSelected] = useState<string | null>(null);
  const view = useMemo(() => (topology.data ? liveView(topology.data, live.ticks, statuses.items) : undefined), [topology.data, live.ticks, statuses.items]);

  return (
    <div className="topology-view">
      <div className="graph-column">
        {topology.error && <ErrorNote>Topology: {topology.error}</ErrorNote>}
        {topology.data && view ? (
          <TopologyGraph
            topology={topology.data}
            view={view}
            selected={selected}
            faults={statuses.faults}
            fallbacks={fallbacks.recent}
            focus={null}
            onSelect={setSelected}
            label="System graph: gateway, services, their databases and the event bus, with live traffic"
          />
        ) : (
          <div className="graph graph-placeholder" data-testid="graph-loading">
            {topology.loading ? 'Loading the topology…' : 'No topology.'}
          </div>
        )}
        <p className="graph-legend small muted">
          <span className="legend legend-call">call</span>
          <span className="legend legend-event">events</span>
          <span className="legend legend-storage">storage</span>
          <span className="legend legend-failing">errors / breaker open</span>
          Select a service to see its details.
        </p>
      </div>
      <aside className="side-column" aria-label="Details and controls">
        {selected && topology.data && view && (
          <ServicePanel
            admin={admin}
            service={selected}
            topology={topology.data}
            ticks={live.ticks}
            view={view}
            status={statuses.items?.find((item) => item.service === selected)}
            fallbacks={fallbacks.byCall}
            onClose={() => setSelected(null)}
          />
        )}
        <TrafficPanel admin={admin} live={live.latest?.traffic} />
        {view && <ChaosPanel admin={admin} statuses={statuses.items} statusError={statuses.error} view={view} fallbacks={fallbacks} onChanged={statuses.refresh} />}
      </aside>
    </div>
  );
}
