import { Background, Controls, ReactFlow, ReactFlowProvider, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef } from 'react';
import type { Topology } from '../api/types.ts';
import { buildFlow, type BuildOptions } from './build.ts';
import { FlowEdge } from './FlowEdge.tsx';
import { GraphActionsContext } from './graph-actions.ts';
import { layoutTopology } from './layout.ts';
import type { LiveView } from './live-view.ts';
import { BusNode } from './nodes/BusNode.tsx';
import { DatabaseNode } from './nodes/DatabaseNode.tsx';
import { GatewayNode } from './nodes/GatewayNode.tsx';
import { ServiceNode } from './nodes/ServiceNode.tsx';

// Module constants: the graph library re-creates every node when these objects change.
const nodeTypes = { gateway: GatewayNode, service: ServiceNode, database: DatabaseNode, bus: BusNode };
const edgeTypes = { flow: FlowEdge };
const FIT = { padding: 0.06 };

export interface TopologyGraphProps extends BuildOptions {
  topology: Topology;
  view: LiveView;
  onSelect: (service: string) => void;
  /** A short description for screen readers. */
  label: string;
}

/** The system graph (services, databases, bus, gateway) with the live view's numbers and motion on it. */
export function TopologyGraph(props: TopologyGraphProps) {
  return (
    <ReactFlowProvider>
      <Graph {...props} />
    </ReactFlowProvider>
  );
}

function Graph({ topology, view, onSelect, label, selected, faults, fallbacks, focus }: TopologyGraphProps) {
  const layout = useMemo(() => layoutTopology(topology), [topology]);
  const { nodes, edges } = useMemo(() => buildFlow(topology, layout, view, { selected, faults, fallbacks, focus }), [topology, layout, view, selected, faults, fallbacks, focus]);
  const actions = useMemo(() => ({ select: onSelect }), [onSelect]);
  const container = useRef<HTMLDivElement>(null);
  const { fitView } = useReactFlow();

  // Keep the whole system in view as the window (or the panel beside the graph) changes size.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => void fitView(FIT));
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      cancelAnimationFrame(frame);
    };
  }, [fitView]);
  const shape = nodes.map((node) => node.id).join(',');
  useEffect(() => {
    const frame = requestAnimationFrame(() => void fitView(FIT));
    return () => cancelAnimationFrame(frame);
  }, [shape, fitView]);

  return (
    <GraphActionsContext.Provider value={actions}>
      <div className="graph" ref={container} data-testid="graph" role="figure" aria-label={label}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          edgeTypes={edgeTypes}
          fitView
          fitViewOptions={FIT}
          minZoom={0.2}
          maxZoom={2}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          onNodeClick={(_event, node) => {
            if (node.type === 'service') onSelect(node.id);
          }}
        >
          <Background gap={24} size={1} color="#d9dee7" />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
    </GraphActionsContext.Provider>
  );
}
