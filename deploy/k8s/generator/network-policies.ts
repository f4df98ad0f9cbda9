import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import { HTTP_PORT, podLabels } from './labels.ts';
import type { Workload } from './workloads.ts';

/** Nothing in the namespace talks to anything until a policy allows it (policies add up). */
export function defaultDeny(): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny' },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

/**
 * The calls of one workload, both ends: ingress from its callers and egress to its callees, on 8080.
 * Platform traffic (DNS, NATS, databases, Redis, scraping, the ingress controller) is allowed by the
 * hand-written base/platform-network-policies.yaml, so an overlay can retarget it.
 */
export function callPolicyOf(workload: Workload, workloads: readonly Workload[]): INetworkPolicy {
  const callers = workloads.filter((other) => other.calls.includes(workload.name)).map((other) => other.name);
  const ports: INetworkPolicyPort[] = [{ protocol: 'TCP', port: HTTP_PORT }];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${workload.name}-calls`, labels: podLabels(workload.name) },
    spec: {
      podSelector: { matchLabels: podLabels(workload.name) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: callers.length > 0 ? [{ from: callers.map(peer), ports }] : [],
      egress: workload.calls.length > 0 ? [{ to: workload.calls.map(peer), ports }] : [],
    },
  };
}

function peer(name: string): INetworkPolicyPeer {
  return { podSelector: { matchLabels: podLabels(name) } };
}
