import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadEnvironment, type KubernetesEnvironment } from './environments.ts';
import { renderArtifact } from './kubernetes-deploy.ts';

function kubernetes(name: string): KubernetesEnvironment {
  const environment = loadEnvironment(name);
  assert.equal(environment.kind, 'kubernetes');
  return environment as KubernetesEnvironment;
}

interface PodTemplate {
  spec: { template: { spec: { containers: Array<{ image: string; envFrom?: Array<{ configMapRef?: { name: string } }> }> } } };
}

describe('agora deploy to a Kubernetes environment: what it applies', () => {
  it('sets the published image on the Deployment, from the environment registry, and nothing else of other services', () => {
    const { objects } = renderArtifact(kubernetes('staging'), 'orders', '1.4.0');
    const deployment = objects.find((object) => object.kind === 'Deployment') as unknown as PodTemplate & { metadata: { name: string } };
    assert.equal(deployment.metadata.name, 'orders');
    assert.deepEqual(deployment.spec.template.spec.containers.map((container) => container.image), ['registry.staging.agora.example/agora/orders:1.4.0']);
    assert.equal(objects.filter((object) => object.kind === 'Deployment').length, 1, 'no other Deployment is touched');
  });

  it('brings along every ConfigMap and Secret the pods read, so they can start on a fresh cluster', () => {
    const { objects, external } = renderArtifact(kubernetes('staging'), 'orders', '1.4.0');
    assert.deepEqual(external, [], 'staging renders everything orders reads');
    const names = objects.map((object) => `${object.kind}/${object.metadata.name}`);
    assert.ok(names.some((name) => name.startsWith('ConfigMap/agora-config')), names.join(', '));
    assert.ok(names.some((name) => name.startsWith('Secret/orders-database')), names.join(', '));
    assert.ok(!names.some((name) => name.startsWith('Secret/payments-database')), 'another service’s secret is not applied');
  });

  it("in production also applies the artifact's autoscaler and disruption budget, and names the Secrets the cluster must hold", () => {
    const { objects, external } = renderArtifact(kubernetes('production'), 'inventory', '2.0.0');
    const kinds = objects.map((object) => object.kind);
    assert.ok(kinds.includes('HorizontalPodAutoscaler'), kinds.join(', '));
    assert.ok(kinds.includes('PodDisruptionBudget'), kinds.join(', '));
    assert.deepEqual(external, ['inventory-database', 'service-token'], "production's database and service-token Secrets are managed outside the repository");
  });

  it('refuses an artifact the overlay has no Deployment for', () => {
    assert.throws(() => renderArtifact(kubernetes('staging'), 'nosuch', '1.0.0'), /no Deployment labelled app.kubernetes.io\/name=nosuch/);
  });
});
