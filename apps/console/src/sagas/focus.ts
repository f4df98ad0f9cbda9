import type { Saga } from '../api/types.ts';
import { eventLegId, type Focus } from '../graph/build.ts';

/**
 * The part of the graph an order's saga went through: the gateway and orders (where it was placed),
 * every service that published or handled one of its events, and those event legs.
 */
export function sagaFocus(saga: Saga | undefined, orderService = 'orders'): Focus {
  const nodes = new Set(['gateway', orderService]);
  const edges = new Set([`call:gateway->${orderService}`]);
  for (const step of saga?.steps ?? []) {
    nodes.add(step.service);
    if (step.kind === 'published') {
      nodes.add('bus');
      edges.add(eventLegId(step.service, 'bus'));
    } else if (step.kind === 'handled' || step.kind === 'dead-lettered') {
      nodes.add('bus');
      edges.add(eventLegId('bus', step.service));
    }
  }
  return { nodes, edges };
}
