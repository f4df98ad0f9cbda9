import { createContext, useContext } from 'react';

/** What a node can ask of the page: open a service's panel. */
export interface GraphActions {
  select(service: string): void;
}

export const GraphActionsContext = createContext<GraphActions>({ select: () => undefined });

export const useGraphActions = (): GraphActions => useContext(GraphActionsContext);
