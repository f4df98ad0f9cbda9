import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IService } from 'kubernetes-models/v1/Service';
import { HTTP_PORT, podLabels } from './labels.ts';
import type { Workload } from './workloads.ts';

/** The ConfigMap of settings every workload shares (base/kustomization.yaml generates it). */
export const SHARED_CONFIG = 'agora-config';

/** The Secret holding a workload's own database URL (key `url`). */
export function databaseSecretOf(name: string): string {
  return `${name}-database`;
}

/** The Secret holding the gateway's Redis URL (key `url`): managed Redis URLs carry a password. */
export const REDIS_SECRET = 'gateway-redis';

/** The Secret holding the deployment's service-token key (key `jwk`), one for every workload. */
export const SERVICE_TOKEN_SECRET = 'service-token';

/**
 * The image runs `agora serve <name>` as uid 10001 and announces its own release (SERVICE_VERSION is
 * baked in at build time), so the pod spec sets neither a command nor a version that could disagree
 * with the tag.
 */
export function deploymentOf(workload: Workload, version: string): IDeployment {
  const labels = podLabels(workload.name);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: workload.name, labels },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 5,
      selector: { matchLabels: labels },
      // A new pod is ready before an old one goes: capacity never drops during a rollout.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels },
        spec: {
          // The app never talks to the API server, and discovery goes through NATS: no token, and no
          // <SERVICE>_PORT variables from Kubernetes shadowing the app's own settings.
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // The app drains for up to 10 s (SHUTDOWN_TIMEOUT_MS) and flushes spans for 2 s after SIGTERM.
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: workload.name,
              image: `agora/${workload.name}:${version}`,
              ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
              env: environmentOf(workload),
              // Startup covers migrations and the first NATS connection on a cold node (up to 2 min);
              // liveness only asks whether the event loop answers, readiness whether dependencies do.
              startupProbe: httpProbe('/healthz', { periodSeconds: 2, failureThreshold: 60 }),
              livenessProbe: httpProbe('/healthz', { periodSeconds: 10, failureThreshold: 3 }),
              readinessProbe: httpProbe('/readyz', { periodSeconds: 5, failureThreshold: 2 }),
              // Sized for a Node process of about 80 MB resident; one core is all its event loop uses.
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 10001,
                runAsGroup: 10001,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              ...(workload.role === 'gateway' ? { lifecycle: drainFromEndpoints } : {}),
            },
          ],
          // The only writable place: the compile cache and DATA_DIR (/tmp/agora).
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
        },
      },
    },
  };
}

/**
 * The gateway is reached through its Service, whose endpoints (and the ingress controller) learn of a
 * terminating pod a moment late; it keeps serving for those seconds. Services need no pause: they
 * leave the NATS registry themselves on SIGTERM, before draining. `sleep` is coreutils, no shell.
 */
const drainFromEndpoints = { preStop: { exec: { command: ['sleep', '5'] } } };

/** Port 8080 named `http`: the gateway's Ingress backend, and a stable name for scraping and port-forward. */
export function serviceOf(workload: Workload): IService {
  const labels = podLabels(workload.name);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: workload.name, labels },
    spec: { selector: labels, ports: [{ name: 'http', port: HTTP_PORT, targetPort: 'http', protocol: 'TCP' }] },
  };
}

function environmentOf(workload: Workload): IEnvVar[] {
  const shared = (name: string): IEnvVar => ({ name, valueFrom: { configMapKeyRef: { name: SHARED_CONFIG, key: name } } });
  const secret = (name: string, secretName: string): IEnvVar => ({ name, valueFrom: { secretKeyRef: { name: secretName, key: 'url' } } });
  const gateway = workload.role === 'gateway';
  return [
    { name: 'HOST', value: '0.0.0.0' },
    { name: gateway ? 'PORT' : 'SERVICE_PORT', value: String(HTTP_PORT) },
    // Callers reach a service instance at the address it announces in the registry: its pod IP.
    ...(gateway ? [] : [{ name: 'ADVERTISE_HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }]),
    shared('NATS_URL'),
    secret('DATABASE_URL', databaseSecretOf(workload.name)),
    ...(gateway ? [secret('REDIS_URL', REDIS_SECRET)] : []),
    // Signs this workload's calls and checks its callers' tokens (SERVICE_AUTH=token, the default).
    { name: 'SERVICE_TOKEN_KEY', valueFrom: { secretKeyRef: { name: SERVICE_TOKEN_SECRET, key: 'jwk' } } },
    shared('OTEL_EXPORTER_OTLP_ENDPOINT'),
    shared('AGORA_SEED'),
    shared('LOG_LEVEL'),
  ];
}

function httpProbe(path: string, timing: { periodSeconds: number; failureThreshold: number }): IProbe {
  return { httpGet: { path, port: 'http' }, timeoutSeconds: 2, ...timing };
}
