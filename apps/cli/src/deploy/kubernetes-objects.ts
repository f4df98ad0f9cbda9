import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as models from 'kubernetes-models';
import { parseAllDocuments } from 'yaml';
import { CHECKOUT } from '../checkout-root.ts';

export const K8S_DIR = join(CHECKOUT, 'deploy', 'k8s');

/** What every rendered object has; anything more is read through kubernetes-models' type guards. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}

/** `kubectl kustomize` of an overlay (a name under deploy/k8s/overlays, or a folder), as objects. */
export function renderOverlay(overlay: string): KubeObject[] {
  const folder = overlay.includes('/') ? overlay : join(K8S_DIR, 'overlays', overlay);
  let text: string;
  try {
    text = execFileSync('kubectl', ['kustomize', folder], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    throw new Error(`kubectl kustomize ${folder} failed (kubectl with kustomize v5 must be on PATH): ${(error as Error).message}`);
  }
  return parseYamlObjects(text);
}

/** Every document of a multi-document YAML text, each checked to be a Kubernetes object. */
export function parseYamlObjects(text: string): KubeObject[] {
  return parseAllDocuments(text).map((document) => {
    if (document.errors.length > 0) throw document.errors[0];
    const value: unknown = document.toJS();
    if (!isKubeObject(value)) throw new Error(`not a Kubernetes object: ${JSON.stringify(value).slice(0, 200)}`);
    return value;
  });
}

function isKubeObject(value: unknown): value is KubeObject {
  if (typeof value !== 'object' || value === null) return false;
  const { apiVersion, kind, metadata } = value as Record<string, unknown>;
  return typeof apiVersion === 'string' && typeof kind === 'string' && typeof metadata === 'object' && metadata !== null && typeof (metadata as Record<string, unknown>).name === 'string';
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: object) => Validatable;

/**
 * Validates an object against the OpenAPI schema of its apiVersion and kind, found in
 * kubernetes-models by name (`networking.k8s.io/v1` → `networkingK8sIo.v1`, core `v1` → `v1`);
 * a kind it has no schema for (a CRD, a typo) is an error too.
 */
export function validateAgainstSchema(object: KubeObject): void {
  const modelClass = modelClassOf(object.apiVersion, object.kind);
  if (!modelClass) throw new Error(`${object.apiVersion} ${object.kind} ${object.metadata.name}: no Kubernetes schema for this kind`);
  try {
    new modelClass(unwrapSecretData(object)).validate();
  } catch (error) {
    throw new Error(`${object.kind} ${object.metadata.name}: ${(error as Error).message}`);
  }
}

// kustomize folds long base64 values over several lines; the API server's decoder skips line
// breaks, the schema's `byte` format does not.
function unwrapSecretData(object: KubeObject): object {
  const data = (object as KubeObject & { data?: Record<string, unknown> }).data;
  if (object.kind !== 'Secret' || !data) return object;
  return { ...object, data: Object.fromEntries(Object.entries(data).map(([key, value]) => [key, typeof value === 'string' ? value.replace(/\s/g, '') : value])) };
}

function modelClassOf(apiVersion: string, kind: string): ModelClass | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const groupModule = group === '' ? models : member(models, group.replace(/\.(\w)/g, (_, letter: string) => letter.toUpperCase()));
  const candidate = member(member(groupModule, version), kind);
  if (typeof candidate !== 'function' || !('kind' in candidate) || candidate.kind !== kind) return undefined;
  return candidate as unknown as ModelClass;
}

function member(value: unknown, key: string | undefined): unknown {
  if (typeof value !== 'object' || value === null || key === undefined || !Object.hasOwn(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}
