import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { podLabels } from './labels.ts';
import type { Workload } from './workloads.ts';

/**
 * The optional Linkerd component (components/linkerd-mtls/), from the same call graph as the
 * NetworkPolicies: every pod meshed (mTLS between all of them), each workload under a
 * ServiceAccount of its own (its mesh identity), and each service's port authorized for exactly
 * the identities of its callers. Service tokens stay on: the mesh adds encryption and identity on
 * the wire, the tokens still decide what the app answers. Needs Linkerd 2.16 or later (Server
 * v1beta3); the proxy authenticates with its own projected token, so pods keep
 * automountServiceAccountToken: false.
 */
const POLICY_GROUP = 'policy.linkerd.io';
const SERVER_VERSION = `${POLICY_GROUP}/v1beta3`;
const AUTH_VERSION = `${POLICY_GROUP}/v1alpha1`;
/** Where Prometheus scrapes from (platform-network-policies.yaml); meshed, it authenticates as this ServiceAccount. */
const PROMETHEUS = { kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' };

export interface LinkerdObject {
  apiVersion: string;
  kind: 'Server' | 'MeshTLSAuthentication' | 'AuthorizationPolicy';
  metadata: { name: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

/** Each workload's mesh identity: a ServiceAccount of its own name, with no API token. */
export function serviceAccountOf(workload: Workload): IServiceAccount {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: workload.name, labels: podLabels(workload.name) }, automountServiceAccountToken: false };
}

/**
 * Per called workload: a Server on its http port (once a Server selects a port, Linkerd refuses
 * whatever no policy allows), the identities of its callers, and the policy joining them. The
 * gateway gets none: the ingress controller, meshed or not, reaches it, and NetworkPolicies limit that.
 */
export function callerPoliciesOf(workload: Workload, workloads: readonly Workload[]): LinkerdObject[] {
  const callers = workloads.filter((other) => other.calls.includes(workload.name)).map((other) => other.name);
  if (callers.length === 0) return [];
  const labels = podLabels(workload.name);
  return [
    { apiVersion: SERVER_VERSION, kind: 'Server', metadata: { name: workload.name, labels }, spec: { podSelector: { matchLabels: labels }, port: 'http', proxyProtocol: 'HTTP/1' } },
    {
      apiVersion: AUTH_VERSION,
      kind: 'MeshTLSAuthentication',
      metadata: { name: `${workload.name}-callers`, labels },
      spec: { identityRefs: callers.map((name) => ({ kind: 'ServiceAccount', name })) },
    },
    {
      apiVersion: AUTH_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: `${workload.name}-callers`, labels },
      spec: {
        targetRef: { group: POLICY_GROUP, kind: 'Server', name: workload.name },
        requiredAuthenticationRefs: [{ group: POLICY_GROUP, kind: 'MeshTLSAuthentication', name: `${workload.name}-callers` }],
      },
    },
    // Scraping /metrics stays possible for a meshed Prometheus; everything else still needs a service token.
    {
      apiVersion: AUTH_VERSION,
      kind: 'AuthorizationPolicy',
      metadata: { name: `${workload.name}-prometheus`, labels },
      spec: {
        targetRef: { group: POLICY_GROUP, kind: 'Server', name: workload.name },
        requiredAuthenticationRefs: [{ group: POLICY_GROUP, kind: 'MeshTLSAuthentication', name: 'prometheus' }],
      },
    },
  ];
}

/** The Prometheus identity every Server's scrape policy names. */
export function prometheusAuthentication(): LinkerdObject {
  return { apiVersion: AUTH_VERSION, kind: 'MeshTLSAuthentication', metadata: { name: 'prometheus' }, spec: { identityRefs: [PROMETHEUS] } };
}

/** Meshed pods' proxies must reach Linkerd's control plane: identity (8080), destination (8086), policy (8090). */
export function controlPlaneEgress(): INetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-linkerd-control-plane' },
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'agora' } },
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'linkerd' } } }], ports: [8080, 8086, 8090].map((port) => ({ protocol: 'TCP', port })) }],
    },
  };
}

/** The component's kustomization: the namespace meshed, and each Deployment run as its own ServiceAccount. */
export function componentKustomization(workloads: readonly Workload[], resources: readonly string[]): object {
  const strategic = (object: object) => JSON.stringify(object);
  return {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    resources,
    patches: [
      {
        target: { kind: 'Namespace', name: 'agora' },
        patch: strategic({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'agora', annotations: { 'linkerd.io/inject': 'enabled' } } }),
      },
      ...workloads.map((workload) => ({
        target: { kind: 'Deployment', name: workload.name },
        patch: strategic({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: workload.name }, spec: { template: { spec: { serviceAccountName: workload.name } } } }),
      })),
    ],
  };
}
