/**
 * Who may open a connection to whom under a set of NetworkPolicies, by the rules of the API
 * (policies add up; a pod selected by none for a direction is open in that direction), so tests
 * assert reachability rather than the shape of the YAML. IP blocks never match: peers here are pods.
 */
import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';

type Labels = Record<string, string>;
type LabelSelector = NonNullable<INetworkPolicyPeer['podSelector']>;

/** A pod: where it runs, its labels, its namespace's labels and its named container ports. */
export interface Pod {
  namespace: string;
  namespaceLabels: Labels;
  labels: Labels;
  namedPorts?: Record<string, number>;
}

export interface Connection {
  port: number;
  protocol?: 'TCP' | 'UDP';
}

export function pod(namespace: string, labels: Labels, more: { namespaceLabels?: Labels; namedPorts?: Record<string, number> } = {}): Pod {
  return { namespace, labels, namespaceLabels: { 'kubernetes.io/metadata.name': namespace, ...more.namespaceLabels }, namedPorts: more.namedPorts };
}

/** The source's policies let the connection out. */
export function egressAllowed(policies: readonly INetworkPolicy[], from: Pod, to: Pod, connection: Connection): boolean {
  const applying = policies.filter((policy) => selects(policy, from) && typesOf(policy).includes('Egress'));
  if (applying.length === 0) return true;
  return applying.some((policy) =>
    (policy.spec?.egress ?? []).some((rule) => peersMatch(rule.to, to, namespaceOf(policy)) && portsMatch(rule.ports, to, connection)),
  );
}

/** The destination's policies let the connection in. */
export function ingressAllowed(policies: readonly INetworkPolicy[], from: Pod, to: Pod, connection: Connection): boolean {
  const applying = policies.filter((policy) => selects(policy, to) && typesOf(policy).includes('Ingress'));
  if (applying.length === 0) return true;
  return applying.some((policy) =>
    (policy.spec?.ingress ?? []).some((rule) => peersMatch(rule.from, from, namespaceOf(policy)) && portsMatch(rule.ports, to, connection)),
  );
}

export function reachable(policies: readonly INetworkPolicy[], from: Pod, to: Pod, connection: Connection): boolean {
  return egressAllowed(policies, from, to, connection) && ingressAllowed(policies, from, to, connection);
}

function namespaceOf(policy: INetworkPolicy): string {
  if (!policy.metadata?.namespace) throw new Error(`NetworkPolicy ${policy.metadata?.name} has no namespace`);
  return policy.metadata.namespace;
}

function selects(policy: INetworkPolicy, target: Pod): boolean {
  return namespaceOf(policy) === target.namespace && matches(policy.spec?.podSelector ?? {}, target.labels);
}

// Without policyTypes, a policy is about ingress, and about egress only if it has egress rules.
function typesOf(policy: INetworkPolicy): Array<'Ingress' | 'Egress'> {
  return policy.spec?.policyTypes ?? (policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']);
}

function peersMatch(peers: INetworkPolicyPeer[] | undefined, target: Pod, policyNamespace: string): boolean {
  if (!peers || peers.length === 0) return true;
  return peers.some((peer) => {
    if (peer.ipBlock) return false;
    const inNamespace = peer.namespaceSelector ? matches(peer.namespaceSelector, target.namespaceLabels) : target.namespace === policyNamespace;
    return inNamespace && (!peer.podSelector || matches(peer.podSelector, target.labels));
  });
}

function portsMatch(ports: INetworkPolicyPort[] | undefined, target: Pod, connection: Connection): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((entry) => {
    if ((entry.protocol ?? 'TCP') !== (connection.protocol ?? 'TCP')) return false;
    if (entry.port === undefined) return true;
    const port = typeof entry.port === 'number' ? entry.port : target.namedPorts?.[entry.port];
    if (port === undefined) return false;
    return entry.endPort === undefined ? port === connection.port : port <= connection.port && connection.port <= entry.endPort;
  });
}

function matches(selector: LabelSelector, labels: Labels): boolean {
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpression = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key]);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        throw new Error(`unknown label selector operator ${operator}`);
    }
  });
  return byLabel && byExpression;
}
