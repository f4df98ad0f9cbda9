import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { imageName } from './container-image.ts';
import { CHECKOUT, type KubernetesEnvironment } from './environments.ts';
import type { DeployResult } from './rolling-deploy.ts';
import { renderOverlay, validateAgainstSchema, type KubeObject } from './kubernetes-objects.ts';

interface Container {
  name: string;
  image: string;
}
interface DeploymentShape extends KubeObject {
  spec: { replicas?: number; template: { spec: { containers: Container[] } } };
}

/**
 * The objects of one artifact (its Deployment, Service, autoscaler, disruption budget, policies)
 * rendered from the environment's overlay, its image set to the published version. Only these are
 * applied: the other services keep the versions they run.
 */
export function renderArtifact(environment: KubernetesEnvironment, artifact: string, version: string): KubeObject[] {
  const objects = renderOverlay(environment.overlay).filter((object) => object.metadata.labels?.['app.kubernetes.io/name'] === artifact);
  const deployment = objects.find((object): object is DeploymentShape => object.kind === 'Deployment');
  if (!deployment) throw new Error(`${environment.overlay} renders no Deployment labelled app.kubernetes.io/name=${artifact}`);
  const image = imageName(artifact, version, environment.registry);
  for (const container of deployment.spec.template.spec.containers) if (container.image.startsWith(`agora/${artifact}:`) || container.name === artifact) container.image = image;
  const replicas = environment.replicas?.[artifact];
  if (replicas !== undefined && deployment.spec.replicas !== undefined) deployment.spec.replicas = replicas;
  for (const object of objects) validateAgainstSchema(object);
  return objects;
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
  const objects = renderArtifact(environment, artifact, version);
  const manifest = objects.map((object) => stringify(object)).join('---\n');
  const folder = join(CHECKOUT, 'dist', 'deploy', environment.name);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${artifact}-${version}.yaml`);
  writeFileSync(file, manifest);
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
  execFileSync('kubectl', ['--context', environment.context, '--namespace', environment.namespace, 'rollout', 'undo', `deployment/${artifact}`], { stdio: 'inherit' });
  return { outcome: 'rolled back', detail: `${artifact} ${version} did not become ready in ${environment.rolloutTimeoutSeconds} s; the previous ReplicaSet serves again` };
}
