import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { imageName } from './container-image.ts';
import { CHECKOUT } from '../checkout-root.ts';
import type { KubernetesEnvironment } from './environments.ts';
import type { DeployResult } from './deploy-result.ts';
import { renderOverlay, validateAgainstSchema, type KubeObject } from './kubernetes-objects.ts';

interface Container {
  name: string;
  image: string;
}
interface DeploymentShape extends KubeObject {
  spec: { replicas?: number; template: { spec: { containers: Container[] } } };
}

/** Names of the ConfigMaps and Secrets a pod spec refers to (env, envFrom, volumes): they must be there first. */
function referencedConfig(deployment: DeploymentShape): Set<string> {
  const names = new Set<string>();
  const walk = (value: unknown, key?: string): void => {
    if (Array.isArray(value)) return value.forEach((item) => walk(item));
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    if (key !== undefined && ['configMapRef', 'secretRef', 'configMapKeyRef', 'secretKeyRef', 'configMap'].includes(key) && typeof record.name === 'string') names.add(record.name);
    if (key === 'secret' && typeof record.secretName === 'string') names.add(record.secretName);
    for (const [child, inner] of Object.entries(record)) walk(inner, child);
  };
  walk(deployment.spec.template);
  return names;
}

/** Whether an object belongs to the artifact: labelled with its name, or scaling or guarding its Deployment. */
function belongsTo(object: KubeObject, artifact: string, config: Set<string>): boolean {
  if (object.metadata.labels?.['app.kubernetes.io/name'] === artifact) return true;
  if ((object.kind === 'ConfigMap' || object.kind === 'Secret') && config.has(object.metadata.name)) return true;
  const spec = (object as KubeObject & { spec?: { scaleTargetRef?: { name?: string }; selector?: { matchLabels?: Record<string, string> } } }).spec;
  if (object.kind === 'HorizontalPodAutoscaler') return spec?.scaleTargetRef?.name === artifact;
  if (object.kind === 'PodDisruptionBudget') return spec?.selector?.matchLabels?.['app.kubernetes.io/name'] === artifact;
  return false;
}

/**
 * The objects of one artifact rendered from the environment's overlay: its Deployment (image set
 * to the published version), Service, policies, autoscaler and disruption budget, and the
 * ConfigMaps and Secrets its pods read that the overlay renders (`external`: those it expects the
 * cluster to hold already, such as production's Secrets). Only these are applied: the other
 * services keep the versions they run.
 */
export function renderArtifact(environment: KubernetesEnvironment, artifact: string, version: string): { objects: KubeObject[]; external: string[] } {
  const all = renderOverlay(environment.overlay);
  const deployment = all.find((object): object is DeploymentShape => object.kind === 'Deployment' && object.metadata.labels?.['app.kubernetes.io/name'] === artifact);
  if (!deployment) throw new Error(`${environment.overlay} renders no Deployment labelled app.kubernetes.io/name=${artifact}`);
  const image = imageName(artifact, version, environment.registry);
  for (const container of deployment.spec.template.spec.containers) if (container.image.startsWith(`agora/${artifact}:`)) container.image = image;
  const replicas = environment.replicas?.[artifact];
  if (replicas !== undefined && deployment.spec.replicas !== undefined) deployment.spec.replicas = replicas;
  const config = referencedConfig(deployment);
  const objects = all.filter((object) => belongsTo(object, artifact, config));
  const external = [...config].filter((name) => !objects.some((object) => object.metadata.name === name));
  for (const object of objects) validateAgainstSchema(object);
  return { objects, external };
}

function kubectl(environment: KubernetesEnvironment, args: string[], input?: string): { ok: boolean; output: string } {
  const result = spawnSync('kubectl', ['--context', environment.context, '--namespace', environment.namespace, ...args], { input, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/** Whether the environment's cluster answers (a short timeout: no cluster is a normal case here). */
export function clusterReachable(environment: KubernetesEnvironment): boolean {
  const configured = spawnSync('kubectl', ['config', 'get-contexts', environment.context], { stdio: 'ignore' }).status === 0;
  return configured && kubectl(environment, ['--request-timeout=5s', 'get', '--raw', '/readyz']).ok;
}

/**
 * `agora deploy` to a Kubernetes environment: apply the artifact's objects, wait for the rollout
 * (the Deployment's readiness-gated rolling update), and undo it when it does not complete. Without
 * a reachable cluster it stops after rendering and validating, and says what it would apply.
 */
export function kubernetesDeploy(environment: KubernetesEnvironment, artifact: string, version: string, report: (line: string) => void): DeployResult {
  const { objects, external } = renderArtifact(environment, artifact, version);
  const manifest = objects.map((object) => stringify(object)).join('---\n');
  const folder = join(CHECKOUT, 'dist', 'deploy', environment.name);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${artifact}-${version}.yaml`);
  writeFileSync(file, manifest);
  if (external.length > 0) report(`expects in the cluster already: ${external.join(', ')}`);
  report(`rendered ${objects.length} objects (${objects.map((object) => `${object.kind}/${object.metadata.name}`).join(', ')}), valid against the Kubernetes schemas: ${file}`);
  if (!clusterReachable(environment)) {
    return { outcome: 'unchanged', detail: `dry run: no cluster answers on context ${environment.context}; kubectl --context ${environment.context} apply -f ${file} applies it` };
  }
  const applied = kubectl(environment, ['apply', '-f', '-'], manifest);
  if (!applied.ok) throw new Error(`kubectl apply failed: ${applied.output}`);
  report(applied.output);
  const rollout = kubectl(environment, ['rollout', 'status', `deployment/${artifact}`, `--timeout=${environment.rolloutTimeoutSeconds}s`]);
  if (rollout.ok) return { outcome: 'deployed', detail: `${artifact} ${version} rolled out to ${environment.name}` };
  report(`rollout did not complete: ${rollout.output}`);
  const undone = kubectl(environment, ['rollout', 'undo', `deployment/${artifact}`]);
  // A first deploy has nothing to go back to: say so rather than claim a rollback.
  if (!undone.ok) return { outcome: 'failed', detail: `${artifact} ${version} did not become ready and could not be undone: ${undone.output}` };
  return { outcome: 'rolled back', detail: `${artifact} ${version} did not become ready in ${environment.rolloutTimeoutSeconds} s; the previous ReplicaSet serves again` };
}
