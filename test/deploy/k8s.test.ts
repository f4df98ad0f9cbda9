/**
 * The Kubernetes manifests as a cluster would receive them: each overlay rendered by kustomize,
 * checked against the API schemas, and held to what the shop needs — hardened, probed pods, and a
 * network where exactly the calls of topology.ts are open. Without a cluster, reachability is
 * computed from the NetworkPolicies (k8s-reach.ts).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { publicContracts } from '../../apps/gateway/src/routes-table.ts';
import { driftOf, writeFiles } from '../../deploy/k8s/generator/files.ts';
import { podLabels } from '../../deploy/k8s/generator/labels.ts';
import { generatedFiles } from '../../deploy/k8s/generator/manifests.ts';
import { workloadsOf, type Workload } from '../../deploy/k8s/generator/workloads.ts';
import { services } from '../../topology.ts';
import { egressAllowed, ingressAllowed, pod, reachable, type Pod } from './k8s-reach.ts';
import { K8S_DIR, parseYamlObjects, renderOverlay, validateAgainstSchema, type KubeObject } from '../../apps/cli/src/deploy/kubernetes-objects.ts';

const graph = workloadsOf(services, publicContracts);
const calls = (from: string, to: string) => graph.some((workload) => workload.name === from && workload.calls.includes(to));
const HTTP = { port: 8080 };

function ofKind<T>(objects: readonly KubeObject[], is: (value: unknown) => value is T): Array<KubeObject & T> {
  return objects.flatMap((object) => (is(object) ? [object] : []));
}

function onlyContainer(deployment: IDeployment): IContainer {
  const containers = deployment.spec?.template.spec?.containers ?? [];
  assert.equal(containers.length, 1, `${deployment.metadata?.name}: one container`);
  return containers[0]!;
}

function templateLabels(deployment: IDeployment): Record<string, string> {
  return deployment.spec?.template.metadata?.labels ?? {};
}

function selectsOnly(selector: Record<string, string>, target: IDeployment, all: readonly IDeployment[]): boolean {
  const matches = (deployment: IDeployment) => Object.entries(selector).every(([key, value]) => templateLabels(deployment)[key] === value);
  return matches(target) && all.filter(matches).length === 1;
}

describe('what these tests rely on', () => {
  it('has the calls and non-calls named below', () => {
    assert.ok(calls('orders', 'catalog') && calls('gateway', 'identity'));
    assert.ok(!calls('shipping', 'identity') && !calls('catalog', 'payments') && !calls('catalog', 'orders'));
  });

  it('has a schema check that rejects a wrong field type and an unknown kind', () => {
    const badPort = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { selector: {}, template: { spec: { containers: [{ name: 'x', ports: [{ containerPort: 'http' }] }] } } } };
    assert.throws(() => validateAgainstSchema(badPort), /containerPort must be integer/);
    assert.throws(() => validateAgainstSchema({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } }), /no Kubernetes schema/);
  });
});

// Every overlay there is, so a new one is rendered and validated too; dev and prod must be among them.
const OVERLAYS = readdirSync(join(K8S_DIR, 'overlays'));
it('has a dev and a prod overlay', () => assert.deepEqual(['dev', 'prod'].filter((name) => !OVERLAYS.includes(name)), []));
for (const overlay of OVERLAYS) {
  describe(`deploy/k8s/overlays/${overlay}`, () => {
    const objects = renderOverlay(overlay);
    const deployments = ofKind(objects, Deployment.is);
    const policies: INetworkPolicy[] = ofKind(objects, NetworkPolicy.is);
    const configMaps = ofKind(objects, ConfigMap.is);
    const secrets = ofKind(objects, Secret.is);
    const deploymentOf = (name: string) => {
      const found = deployments.find((deployment) => deployment.metadata.name === name);
      assert.ok(found, `no Deployment ${name}`);
      return found;
    };
    const agoraLabels = ofKind(objects, Namespace.is).find((namespace) => namespace.metadata.name === 'agora')?.metadata.labels ?? {};
    const podOf = (name: string): Pod =>
      pod('agora', templateLabels(deploymentOf(name)), {
        namespaceLabels: agoraLabels,
        namedPorts: Object.fromEntries((onlyContainer(deploymentOf(name)).ports ?? []).map((port) => [port.name ?? '', port.containerPort])),
      });
    const outside = {
      prometheus: pod('monitoring', { 'app.kubernetes.io/name': 'prometheus' }, { namespaceLabels: { 'agora.io/role': 'monitoring' } }),
      collector: pod('monitoring', { 'app.kubernetes.io/name': 'otel-collector' }, { namespaceLabels: { 'agora.io/role': 'monitoring' } }),
      ingressController: pod('ingress-nginx', { 'app.kubernetes.io/name': 'ingress-nginx' }),
      dns: pod('kube-system', { 'k8s-app': 'kube-dns' }),
      nats: pod('messaging', { 'app.kubernetes.io/name': 'nats' }, { namespaceLabels: { 'agora.io/role': 'messaging' } }),
      postgresql: pod('database', { 'app.kubernetes.io/name': 'postgresql' }, { namespaceLabels: { 'agora.io/role': 'database' } }),
      redis: pod('cache', { 'app.kubernetes.io/name': 'redis' }, { namespaceLabels: { 'agora.io/role': 'cache' } }),
      elsewhere: pod('default', { app: 'anything' }),
      strayPod: pod('agora', { app: 'debug-shell' }, { namespaceLabels: agoraLabels }),
    };

    it('renders only objects that validate against the Kubernetes schemas', () => {
      assert.ok(objects.length > 0);
      const failures = objects.flatMap((object) => {
        try {
          validateAgainstSchema(object);
          return [];
        } catch (error) {
          return [(error as Error).message];
        }
      });
      assert.deepEqual(failures, []);
    });

    it('places everything in the agora namespace', () => {
      const astray = objects.filter((object) => object.kind !== 'Namespace' && object.metadata.namespace !== 'agora').map((object) => `${object.kind}/${object.metadata.name}`);
      assert.deepEqual(astray, []);
    });

    it('runs one Deployment per workload of the graph, each with its own image at a pinned release', () => {
      assert.deepEqual(deployments.map((deployment) => deployment.metadata.name).sort(), graph.map((workload) => workload.name).sort());
      for (const deployment of deployments) {
        const image = onlyContainer(deployment).image ?? '';
        const tag = new RegExp(`^agora/${deployment.metadata.name}:([A-Za-z0-9._-]+)$`).exec(image)?.[1];
        assert.ok(tag && tag !== 'latest', `${deployment.metadata.name}: image ${image} has no pinned tag`);
      }
    });

    it('probes every container: started and alive on /healthz, ready on /readyz, all on 8080', () => {
      for (const deployment of deployments) {
        const container = onlyContainer(deployment);
        const named = Object.fromEntries((container.ports ?? []).map((port) => [port.name, port.containerPort]));
        const target = (probe: IProbe | undefined) => {
          const port = probe?.httpGet?.port;
          return { path: probe?.httpGet?.path, port: typeof port === 'string' ? named[port] : port };
        };
        const name = deployment.metadata.name;
        assert.deepEqual(target(container.startupProbe), { path: '/healthz', port: 8080 }, `${name} startup`);
        assert.deepEqual(target(container.livenessProbe), { path: '/healthz', port: 8080 }, `${name} liveness`);
        assert.deepEqual(target(container.readinessProbe), { path: '/readyz', port: 8080 }, `${name} readiness`);
        const { failureThreshold = 3, periodSeconds = 10 } = container.startupProbe ?? {};
        assert.ok(failureThreshold * periodSeconds >= 60, `${name}: a minute at least to start`);
      }
    });

    it('runs every container as uid 10001 on a read-only root, without privileges, writing only to an emptyDir /tmp', () => {
      for (const deployment of deployments) {
        const container = onlyContainer(deployment);
        const security = container.securityContext;
        const name = deployment.metadata.name;
        assert.equal(security?.runAsNonRoot, true, name);
        assert.equal(security?.runAsUser, 10001, name);
        assert.equal(security?.readOnlyRootFilesystem, true, name);
        assert.equal(security?.allowPrivilegeEscalation, false, name);
        assert.deepEqual(security?.capabilities?.drop, ['ALL'], name);
        assert.equal(security?.seccompProfile?.type ?? deployment.spec?.template.spec?.securityContext?.seccompProfile?.type, 'RuntimeDefault', name);
        const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
        const volume = deployment.spec?.template.spec?.volumes?.find((candidate) => candidate.name === tmp?.name);
        assert.ok(volume?.emptyDir, `${name}: /tmp is an emptyDir`);
        assert.equal(deployment.spec?.template.spec?.automountServiceAccountToken, false, name);
      }
    });

    it('gives every container CPU and memory requests and limits', () => {
      for (const deployment of deployments) {
        const { requests, limits } = onlyContainer(deployment).resources ?? {};
        for (const [what, value] of Object.entries({ requestCpu: requests?.cpu, requestMemory: requests?.memory, limitCpu: limits?.cpu, limitMemory: limits?.memory })) {
          assert.ok(value !== undefined, `${deployment.metadata.name}: ${what}`);
        }
      }
    });

    it('rolls out without losing capacity and stops after the app has drained', () => {
      for (const deployment of deployments) {
        assert.deepEqual(deployment.spec?.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }, deployment.metadata.name);
        // 10 s drain, 2 s of span flushing, and the gateway's 5 s pause before SIGTERM.
        assert.ok((deployment.spec?.template.spec?.terminationGracePeriodSeconds ?? 30) >= 20, deployment.metadata.name);
      }
      assert.deepEqual(onlyContainer(deploymentOf('gateway')).lifecycle?.preStop?.exec?.command, ['sleep', '5']);
    });

    it('gives each workload its port, its pod IP to announce, and its connections', () => {
      for (const workload of graph) {
        const env = new Map((onlyContainer(deploymentOf(workload.name)).env ?? []).map((variable) => [variable.name, variable]));
        const gateway = workload.role === 'gateway';
        assert.equal(env.get('HOST')?.value, '0.0.0.0', workload.name);
        assert.equal(env.get(gateway ? 'PORT' : 'SERVICE_PORT')?.value, '8080', workload.name);
        assert.equal(env.get('ADVERTISE_HOST')?.valueFrom?.fieldRef?.fieldPath, gateway ? undefined : 'status.podIP', workload.name);
        assert.match(env.get('DATABASE_URL')?.valueFrom?.secretKeyRef?.name ?? '', new RegExp(`^${workload.name}-database(-[a-z0-9]+)?$`));
        assert.equal(env.has('REDIS_URL'), gateway, `${workload.name}: only the gateway uses Redis`);
        assert.deepEqual(env.get('SERVICE_TOKEN_KEY')?.valueFrom?.secretKeyRef?.key, 'jwk', `${workload.name}: the service-token key`);
        for (const shared of ['NATS_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'AGORA_SEED', 'LOG_LEVEL']) assert.ok(env.get(shared)?.valueFrom?.configMapKeyRef, `${workload.name}: ${shared}`);
      }
    });

    it('resolves every ConfigMap and Secret reference', () => {
      const unresolved: string[] = [];
      for (const deployment of deployments) {
        for (const variable of onlyContainer(deployment).env ?? []) {
          const configRef = variable.valueFrom?.configMapKeyRef;
          if (configRef && configMaps.find((map) => map.metadata.name === configRef.name)?.data?.[configRef.key] === undefined) unresolved.push(`${configRef.name}/${configRef.key}`);
          const secretRef = variable.valueFrom?.secretKeyRef;
          if (!secretRef) continue;
          if (overlay === 'dev' && secrets.find((secret) => secret.metadata.name === secretRef.name)?.data?.[secretRef.key] === undefined) unresolved.push(`${secretRef.name}/${secretRef.key}`);
          // prod references Secrets managed outside the repo, by the names its kustomization documents.
          if (overlay === 'prod' && !/^([a-z]+-database|gateway-redis|service-token)$/.test(secretRef.name ?? '')) unresolved.push(`${secretRef.name}/${secretRef.key}`);
        }
      }
      assert.deepEqual(unresolved, []);
      if (overlay === 'prod') assert.deepEqual(secrets, [], 'prod ships no Secret');
    });

    it(`loads sample data only in dev (AGORA_SEED=${overlay === 'dev'})`, () => {
      assert.deepEqual(configMaps.map((map) => map.data?.AGORA_SEED), [String(overlay === 'dev')]);
    });

    it('serves each workload through a Service on http/8080 that selects its pods only', () => {
      const servicesByName = new Map(ofKind(objects, Service.is).map((service) => [service.metadata.name, service]));
      for (const deployment of deployments) {
        const service = servicesByName.get(deployment.metadata.name);
        assert.ok(service, `no Service ${deployment.metadata.name}`);
        assert.ok(selectsOnly(service.spec?.selector ?? {}, deployment, deployments), `${deployment.metadata.name}: Service selector`);
        assert.deepEqual(service.spec?.ports?.map(({ name, port, targetPort }) => ({ name, port, targetPort })), [{ name: 'http', port: 8080, targetPort: 'http' }]);
      }
    });

    it('exposes the gateway, and only the gateway, through the Ingress', () => {
      const ingresses = ofKind(objects, Ingress.is);
      assert.equal(ingresses.length, 1);
      const rules = ingresses[0]!.spec?.rules ?? [];
      const backends = rules.flatMap((rule) => rule.http?.paths.map((path) => path.backend.service) ?? []);
      assert.deepEqual(backends, [{ name: 'gateway', port: { name: 'http' } }]);
      if (overlay === 'prod') {
        const host = rules[0]?.host;
        assert.ok(host, 'prod serves a host');
        assert.ok(ingresses[0]!.spec?.tls?.some((tls) => tls.hosts?.includes(host) && tls.secretName), 'prod serves it over TLS');
      }
    });

    it('denies all traffic not allowed by a policy', () => {
      const deny = policies.find((policy) => policy.metadata?.name === 'default-deny');
      assert.deepEqual(deny?.spec, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      for (const workload of graph) {
        assert.ok(!reachable(policies, outside.strayPod, podOf(workload.name), HTTP), `a stray pod reaches ${workload.name}`);
        assert.ok(!reachable(policies, podOf(workload.name), outside.strayPod, HTTP), `${workload.name} reaches a stray pod`);
      }
      assert.ok(!reachable(policies, outside.strayPod, outside.nats, { port: 4222 }), 'a stray pod reaches NATS');
    });

    it('opens every call of the graph at both ends, and no other connection between workloads', () => {
      const wrong: string[] = [];
      for (const from of graph) {
        for (const to of graph) {
          if (from === to) continue;
          const expected = from.calls.includes(to.name);
          if (egressAllowed(policies, podOf(from.name), podOf(to.name), HTTP) !== expected) wrong.push(`egress ${from.name} → ${to.name}: expected ${expected}`);
          if (ingressAllowed(policies, podOf(from.name), podOf(to.name), HTTP) !== expected) wrong.push(`ingress ${from.name} → ${to.name}: expected ${expected}`);
        }
      }
      assert.deepEqual(wrong, []);
      assert.ok(reachable(policies, podOf('orders'), podOf('catalog'), HTTP));
      assert.ok(!reachable(policies, podOf('shipping'), podOf('identity'), HTTP));
      assert.ok(!reachable(policies, podOf('catalog'), podOf('payments'), HTTP));
      assert.ok(!reachable(policies, podOf('orders'), podOf('catalog'), { port: 5432 }), 'calls are open on 8080 only');
    });

    it('lets Prometheus scrape every pod, and the ingress controller reach the gateway only', () => {
      for (const workload of graph) {
        assert.ok(reachable(policies, outside.prometheus, podOf(workload.name), HTTP), `Prometheus → ${workload.name}`);
        assert.ok(!reachable(policies, outside.prometheus, podOf(workload.name), { port: 9090 }), `Prometheus → ${workload.name}:9090`);
        assert.equal(reachable(policies, outside.ingressController, podOf(workload.name), HTTP), workload.name === 'gateway', `ingress controller → ${workload.name}`);
        assert.ok(!reachable(policies, outside.elsewhere, podOf(workload.name), HTTP), `another namespace → ${workload.name}`);
      }
    });

    it('lets every workload reach DNS, NATS, PostgreSQL and the collector, the gateway Redis, and nothing else outside', () => {
      for (const workload of graph) {
        const self = podOf(workload.name);
        const name = workload.name;
        assert.ok(reachable(policies, self, outside.dns, { port: 53, protocol: 'UDP' }) && reachable(policies, self, outside.dns, { port: 53 }), `${name} → DNS`);
        assert.ok(reachable(policies, self, outside.nats, { port: 4222 }), `${name} → NATS`);
        assert.ok(reachable(policies, self, outside.postgresql, { port: 5432 }), `${name} → PostgreSQL`);
        assert.ok(reachable(policies, self, outside.collector, { port: 4318 }), `${name} → OTLP collector`);
        assert.equal(reachable(policies, self, outside.redis, { port: 6379 }), workload.role === 'gateway', `${name} → Redis`);
        assert.ok(!reachable(policies, self, outside.nats, { port: 8222 }), `${name} → NATS monitoring port`);
        assert.ok(!reachable(policies, self, outside.elsewhere, { port: 443 }), `${name} → anywhere else`);
      }
    });

    if (overlay === 'prod') {
      it('scales every Deployment on CPU from two replicas (inventory three), and leaves the count to the autoscaler', () => {
        const autoscalers = ofKind(objects, HorizontalPodAutoscaler.is);
        for (const deployment of deployments) {
          const name = deployment.metadata.name;
          const owned = autoscalers.filter((hpa) => hpa.spec?.scaleTargetRef.kind === 'Deployment' && hpa.spec.scaleTargetRef.name === name);
          assert.equal(owned.length, 1, `${name}: one autoscaler`);
          const spec = owned[0]!.spec;
          assert.equal(spec?.minReplicas, name === 'inventory' ? 3 : 2, name);
          assert.ok((spec?.maxReplicas ?? 0) > (spec?.minReplicas ?? 0), name);
          assert.deepEqual(spec?.metrics?.map((metric) => metric.resource), [{ name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } }], name);
          assert.equal(deployment.spec?.replicas, undefined, `${name}: an apply would reset the autoscaler`);
        }
        assert.equal(autoscalers.length, deployments.length);
      });

      it('limits voluntary disruptions of every Deployment to one pod at a time', () => {
        const budgets = ofKind(objects, PodDisruptionBudget.is);
        for (const deployment of deployments) {
          const owned = budgets.filter((budget) => selectsOnly(budget.spec?.selector?.matchLabels ?? { none: 'none' }, deployment, deployments));
          assert.equal(owned.length, 1, `${deployment.metadata.name}: one disruption budget`);
          const { maxUnavailable, minAvailable } = owned[0]!.spec ?? {};
          assert.ok(maxUnavailable === 1 || minAvailable === 1, deployment.metadata.name);
        }
        assert.equal(budgets.length, deployments.length);
      });

      it("spreads each workload's replicas over nodes", () => {
        for (const deployment of deployments) {
          const spread = deployment.spec?.template.spec?.topologySpreadConstraints ?? [];
          const byNode = spread.find((constraint) => constraint.topologyKey === 'kubernetes.io/hostname');
          assert.equal(byNode?.whenUnsatisfiable, 'DoNotSchedule', deployment.metadata.name);
          // The selector plus matchLabelKeys must single out this workload's pods.
          const selector = { ...byNode?.labelSelector?.matchLabels, ...Object.fromEntries((byNode?.matchLabelKeys ?? []).filter((key) => key !== 'pod-template-hash').map((key) => [key, templateLabels(deployment)[key]])) };
          assert.ok(selectsOnly(selector as Record<string, string>, deployment, deployments), deployment.metadata.name);
        }
      });
    } else {
      it('runs one replica of each, with no autoscaler and no disruption budget', () => {
        assert.deepEqual(deployments.map((deployment) => deployment.spec?.replicas), deployments.map(() => 1));
        assert.deepEqual(ofKind(objects, HorizontalPodAutoscaler.is), []);
        assert.deepEqual(ofKind(objects, PodDisruptionBudget.is), []);
      });
    }
  });
}

describe('deploy/k8s/generate.ts', () => {
  const files = generatedFiles(graph, '0.1.0');
  const policiesOf = (workloads: Workload[]): INetworkPolicy[] => {
    const text = generatedFiles(workloads, '0.1.0').find((file) => file.name === 'network-policies.yaml')?.text ?? '';
    return ofKind(parseYamlObjects(text), NetworkPolicy.is).map((policy) => ({ ...policy, metadata: { ...policy.metadata, namespace: 'agora' } }));
  };
  const workloadPod = (name: string) => pod('agora', podLabels(name));

  it('--check finds base/generated/ up to date with topology.ts', () => {
    const check = spawnSync(process.execPath, [join(K8S_DIR, 'generate.ts'), '--check'], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  });

  it('--check names the files that were edited, deleted, or left by a removed workload', () => {
    const dir = mkdtempSync(join(tmpdir(), 'agora-k8s-'));
    try {
      writeFiles(dir, files);
      assert.deepEqual(driftOf(dir, files), []);
      writeFileSync(join(dir, 'orders.yaml'), 'edited by hand');
      unlinkSync(join(dir, 'catalog.yaml'));
      writeFileSync(join(dir, 'reviews.yaml'), 'a workload that is gone');
      assert.deepEqual(driftOf(dir, files), ['catalog.yaml', 'orders.yaml', 'reviews.yaml'].map((name) => join(dir, name)));
      writeFiles(dir, files);
      assert.deepEqual(driftOf(dir, files), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns a new call in the graph into an egress rule on the caller and an ingress rule on the callee', () => {
    const identityApi = publicContracts.find((contract) => contract.service === 'identity');
    assert.ok(identityApi);
    const changed = services.map((service) => (service.name === 'shipping' ? { ...service, dependsOn: [...service.dependsOn, identityApi] } : service));
    const before = policiesOf(workloadsOf(services, publicContracts));
    const after = policiesOf(workloadsOf(changed, publicContracts));
    const [shipping, identity] = [workloadPod('shipping'), workloadPod('identity')];
    assert.ok(!egressAllowed(before, shipping, identity, HTTP) && !ingressAllowed(before, shipping, identity, HTTP));
    assert.ok(egressAllowed(after, shipping, identity, HTTP) && ingressAllowed(after, shipping, identity, HTTP));
    assert.ok(!reachable(after, identity, shipping, HTTP), 'a call opens one direction');
  });

  it('drops a removed service, and refuses a call to a service no workload serves', () => {
    const withoutShipping = services.filter((service) => service.name !== 'shipping').map((service) => ({ ...service, dependsOn: service.dependsOn.filter((api) => api.service !== 'shipping') }));
    const names = generatedFiles(workloadsOf(withoutShipping, publicContracts.filter((contract) => contract.service !== 'shipping')), '0.1.0').map((file) => file.name);
    assert.ok(!names.includes('shipping.yaml'));
    assert.throws(() => workloadsOf(services.filter((service) => service.name !== 'shipping'), publicContracts), /calls shipping, which no workload serves/);
  });
});

describe('deploy/k8s/components/linkerd-mtls on the dev overlay', () => {
  // Kustomize takes only relative paths: a throwaway overlay next to nothing, pointing back here.
  const dir = mkdtempSync(join(tmpdir(), 'agora-mesh-'));
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [${relative(dir, join(K8S_DIR, 'overlays', 'dev'))}]\ncomponents: [${relative(dir, join(K8S_DIR, 'components', 'linkerd-mtls'))}]\n`,
  );
  const objects = renderOverlay(dir);
  rmSync(dir, { recursive: true, force: true });
  const linkerd = objects.filter((object) => object.apiVersion.startsWith('policy.linkerd.io/')) as Array<KubeObject & { spec: Record<string, any> }>;
  const named = (kind: string, name: string) => linkerd.find((object) => object.kind === kind && object.metadata.name === name);
  const deployments = ofKind(objects, Deployment.is);

  it('validates every Kubernetes object against its schema, and every Linkerd object by its shape', () => {
    const failures: string[] = [];
    for (const object of objects.filter((each) => !linkerd.includes(each as never))) {
      try {
        validateAgainstSchema(object);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    const shapes: Record<string, (spec: Record<string, any>) => boolean> = {
      'policy.linkerd.io/v1beta3 Server': (spec) => typeof spec.podSelector?.matchLabels === 'object' && spec.port === 'http' && spec.proxyProtocol === 'HTTP/1',
      'policy.linkerd.io/v1alpha1 MeshTLSAuthentication': (spec) => Array.isArray(spec.identityRefs) && spec.identityRefs.length > 0 && spec.identityRefs.every((ref: any) => ref.kind === 'ServiceAccount' && typeof ref.name === 'string'),
      'policy.linkerd.io/v1alpha1 AuthorizationPolicy': (spec) =>
        spec.targetRef?.group === 'policy.linkerd.io' && spec.targetRef.kind === 'Server' && named('Server', spec.targetRef.name) !== undefined &&
        spec.requiredAuthenticationRefs?.length === 1 && named('MeshTLSAuthentication', spec.requiredAuthenticationRefs[0].name) !== undefined,
    };
    for (const object of linkerd) {
      const shape = shapes[`${object.apiVersion} ${object.kind}`];
      if (!shape?.(object.spec)) failures.push(`${object.apiVersion} ${object.kind}/${object.metadata.name} is not a well-formed Linkerd policy`);
      if (object.metadata.namespace !== 'agora') failures.push(`${object.kind}/${object.metadata.name} is outside the agora namespace`);
    }
    assert.deepEqual(failures, []);
    assert.ok(linkerd.length > 0);
  });

  it('meshes every pod of the namespace, each workload under a ServiceAccount of its own without an API token', () => {
    assert.equal(ofKind(objects, Namespace.is).find((namespace) => namespace.metadata.name === 'agora')?.metadata.annotations?.['linkerd.io/inject'], 'enabled');
    const accounts = ofKind(objects, ServiceAccount.is);
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      assert.equal(deployment.spec?.template.spec?.serviceAccountName, name, name);
      assert.equal(accounts.find((account) => account.metadata.name === name)?.automountServiceAccountToken, false, name);
    }
    assert.equal(deployments.length, graph.length);
  });

  it("authorizes on every called workload's port exactly the identities of its callers in the graph", () => {
    const wrong: string[] = [];
    for (const workload of graph) {
      const callers = graph.filter((other) => other.calls.includes(workload.name)).map((other) => other.name).sort();
      const servers = linkerd.filter((object) => object.kind === 'Server' && selectsOnly(object.spec.podSelector.matchLabels, deployments.find((each) => each.metadata.name === workload.name)!, deployments));
      if (callers.length === 0) {
        if (servers.length > 0) wrong.push(`${workload.name}: has no caller but a Server`);
        continue;
      }
      if (servers.length !== 1) {
        wrong.push(`${workload.name}: ${servers.length} Servers`);
        continue;
      }
      const policies = linkerd.filter((object) => object.kind === 'AuthorizationPolicy' && object.spec.targetRef.name === servers[0]!.metadata.name);
      const allowed = policies.flatMap((policy) => named('MeshTLSAuthentication', policy.spec.requiredAuthenticationRefs[0].name)!.spec.identityRefs as Array<{ name: string; namespace?: string }>);
      const inNamespace = allowed.filter((ref) => ref.namespace === undefined).map((ref) => ref.name).sort();
      if (JSON.stringify(inNamespace) !== JSON.stringify(callers)) wrong.push(`${workload.name}: allows ${inNamespace.join(',')}, callers are ${callers.join(',')}`);
      const outside = allowed.filter((ref) => ref.namespace !== undefined).map((ref) => `${ref.namespace}/${ref.name}`);
      if (JSON.stringify(outside) !== JSON.stringify(['monitoring/prometheus'])) wrong.push(`${workload.name}: from outside allows ${outside.join(',')}`);
    }
    assert.deepEqual(wrong, []);
    // The gateway is the ingress controller's to reach: no Server would refuse it.
    assert.ok(graph.every((workload) => workload.name === 'gateway' || graph.some((other) => other.calls.includes(workload.name))), 'every service has a caller, so every service is covered');
  });

  it("lets every pod's proxy reach the Linkerd control plane", () => {
    const meshPolicies: INetworkPolicy[] = ofKind(objects, NetworkPolicy.is);
    const controlPlane = pod('linkerd', { 'linkerd.io/control-plane-component': 'destination' });
    for (const workload of graph) {
      const self = pod('agora', templateLabels(deployments.find((each) => each.metadata.name === workload.name)!));
      for (const port of [8080, 8086, 8090]) assert.ok(egressAllowed(meshPolicies, self, controlPlane, { port }), `${workload.name} → linkerd:${port}`);
    }
  });
});
