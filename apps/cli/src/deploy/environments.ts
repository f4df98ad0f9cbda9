import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { checkSchema, Type, type Static, type TSchema } from '@agora/chassis';
import { CHECKOUT } from '../checkout-root.ts';


const Replicas = Type.Record(Type.String({ pattern: '^[a-z]+$' }), Type.Integer({ minimum: 1, maximum: 50 }), {
  description: 'instances per artifact (default: as many as run now, at least one)',
});

const Gate = Type.Object(
  {
    /** The share of traffic the first new instance gets while it is judged (percent). */
    canaryWeight: Type.Number({ exclusiveMinimum: 0, maximum: 100, default: 5 }),
    /** The new instances' own 5xx ratio above which the release is rolled back. */
    errorRate: Type.Number({ minimum: 0, maximum: 1, default: 0.1 }),
    /** How long each new instance is watched before the next step. */
    observeSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 3_600, default: 30 }),
    /** Fewer requests than this in the window: the error rate is not judged (readiness still is). */
    minRequests: Type.Integer({ minimum: 1, default: 20 }),
    readyTimeoutSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 3_600, default: 60 }),
  },
  { additionalProperties: false, default: {} },
);

const LocalEnvironment = Type.Object(
  {
    kind: Type.Literal('local'),
    /** The DATA_DIR of the split shop (AGORA_TOPOLOGY=split npm start) this environment is. */
    dataDir: Type.String({ minLength: 1 }),
    /** Where `agora publish` puts artifacts for this environment: its artifact repository. */
    repository: Type.String({ minLength: 1 }),
    replicas: Type.Optional(Replicas),
    gate: Gate,
  },
  { additionalProperties: false },
);

const KubernetesEnvironment = Type.Object(
  {
    kind: Type.Literal('kubernetes'),
    /** The kubeconfig context; no reachable cluster: the deploy is rendered, validated and shown, not applied. */
    context: Type.String({ minLength: 1 }),
    namespace: Type.String({ default: 'agora' }),
    /** The kustomize overlay this environment is rendered from. */
    overlay: Type.String({ minLength: 1 }),
    /** The image registry `agora publish` pushes to, e.g. registry.example.com/agora. */
    registry: Type.String({ minLength: 1 }),
    url: Type.Optional(Type.String({ format: 'uri' })),
    replicas: Type.Optional(Replicas),
    rolloutTimeoutSeconds: Type.Integer({ minimum: 1, default: 300 }),
  },
  { additionalProperties: false },
);

const EnvironmentsFile = Type.Object(
  { environments: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9-]*$' }), Type.Object({ kind: Type.String({ enum: ['local', 'kubernetes'] }) })) },
  { additionalProperties: false },
);

export type LocalEnvironment = Static<typeof LocalEnvironment> & { name: string };
export type KubernetesEnvironment = Static<typeof KubernetesEnvironment> & { name: string };
export type Environment = LocalEnvironment | KubernetesEnvironment;

/** deploy/environments.yaml, or the file AGORA_ENVIRONMENTS names. */
export function environmentsFile(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.AGORA_ENVIRONMENTS ?? join(CHECKOUT, 'deploy', 'environments.yaml'));
}

function checked<T extends TSchema>(schema: T, value: unknown, where: string): Static<T> {
  const result = checkSchema(schema, value);
  if (!result.ok) throw new Error(`${where}: ${result.problems.map((problem) => `${problem.path} ${problem.message}`).join('; ')}`);
  return value as Static<T>;
}

/** One environment by name, checked (defaults filled in), its paths absolute: relative ones start at the checkout. */
export function loadEnvironment(name: string, file = environmentsFile()): Environment {
  const all = checked(EnvironmentsFile, parse(readFileSync(file, 'utf8')), file).environments;
  const found = all[name];
  if (!found) throw new Error(`no environment "${name}" in ${file} (there are: ${Object.keys(all).join(', ')})`);
  const where = `${file}: environments.${name}`;
  if (found.kind === 'local') {
    const local = checked(LocalEnvironment, found, where);
    return { ...local, name, dataDir: resolve(CHECKOUT, local.dataDir), repository: resolve(CHECKOUT, local.repository) };
  }
  const kubernetes = checked(KubernetesEnvironment, found, where);
  return { ...kubernetes, name, overlay: resolve(CHECKOUT, kubernetes.overlay) };
}
