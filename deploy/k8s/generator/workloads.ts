import type { ApiContract, ServiceDefinition } from '@agora/chassis';

/** One Deployment of the shop: the gateway or a service, and the workloads it calls over HTTP. */
export interface Workload {
  name: string;
  role: 'gateway' | 'service';
  /** Callees on port 8080, sorted. Events travel through NATS, so they never appear here. */
  calls: string[];
}

export type ServiceShape = Pick<ServiceDefinition, 'name' | 'dependsOn'>;

/**
 * The call graph as the cluster must allow it: each service's `dependsOn` (the same calls as
 * topology.ts `edges()`, but from the list given, so a changed graph renders without touching
 * topology.ts), and the gateway calling every contract it routes to (proxied routes, readiness
 * and the admin API reach each of them).
 */
export function workloadsOf(services: readonly ServiceShape[], gatewayContracts: ReadonlyArray<Pick<ApiContract, 'service'>>): Workload[] {
  const workloads: Workload[] = [
    { name: 'gateway', role: 'gateway', calls: sortedUnique(gatewayContracts.map((contract) => contract.service)) },
    ...services.map((service) => ({ name: service.name, role: 'service' as const, calls: sortedUnique(service.dependsOn.map((api) => api.service)) })),
  ];
  const known = new Set(workloads.map((workload) => workload.name));
  for (const workload of workloads) {
    const unknown = workload.calls.filter((callee) => !known.has(callee));
    if (unknown.length > 0) throw new Error(`${workload.name} calls ${unknown.join(', ')}, which no workload serves`);
  }
  return workloads;
}

function sortedUnique(names: string[]): string[] {
  return [...new Set(names)].sort();
}
