import { parseArgs } from 'node:util';
import { rootLogger } from '@agora/chassis';
import { ServiceRegistry } from '@agora/chassis/split';
import { readConnections } from '../connections.ts';
import { ControlClient } from '../control/control-client.ts';
import { buildArtifact, checkArtifact, publishArtifact } from './artifacts.ts';
import { buildImage, containerBuilder, pushImage } from './container-image.ts';
import { loadEnvironment } from './environments.ts';
import { kubernetesDeploy } from './kubernetes-deploy.ts';
import { rollingDeploy } from './rolling-deploy.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

function options(args: string[], names: string[]): Record<string, string> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
  });
  const missing = names.filter((name) => name !== 'source' && name !== 'environment' && values[name] === undefined);
  if (missing.length > 0) throw new Error(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
  return values as Record<string, string>;
}

/** `agora build --artifact orders --version 1.4.0 [--source DIR]`: the artifact, and its image when a container tool works here. */
export function buildCommand(args: string[]): number {
  const { artifact, version, source } = options(args, ['artifact', 'version', 'source']);
  const { folder, manifest } = buildArtifact({ artifact: artifact!, version: version!, source });
  say(`built ${artifact} ${version}: ${folder} (${manifest.digest}, commit ${manifest.commit ?? 'none'})`);
  if (containerBuilder()) say(`image ${buildImage(artifact!, version!, source)}`);
  else say('image not built: no container engine or buildah here (the Dockerfile is checked offline by npm run test:deploy)');
  return 0;
}

/** `agora publish --artifact orders --version 1.4.0 --environment staging`. */
export function publishCommand(args: string[]): number {
  const { artifact, version, environment: name } = options(args, ['artifact', 'version', 'environment']);
  const environment = loadEnvironment(name ?? 'local');
  if (environment.kind === 'local') {
    const published = publishArtifact({ artifact: artifact!, version: version!, repository: environment.repository });
    say(`${published.alreadyPublished ? 'already published' : 'published'} ${artifact} ${version} to ${environment.name}: ${published.folder}`);
  } else {
    say(`pushed ${pushImage(artifact!, version!, environment.registry)}`);
  }
  return 0;
}

/** `agora deploy --artifact orders --version 1.4.0 --environment staging`: exit 1 when it rolled back. */
export async function deployCommand(args: string[]): Promise<number> {
  const { artifact, version, environment: name } = options(args, ['artifact', 'version', 'environment']);
  checkArtifact(artifact!, version!);
  const environment = loadEnvironment(name ?? 'local');
  // Ctrl-C during a local deploy rolls it back instead of leaving a canary behind.
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  const result =
    environment.kind === 'local' ? await rollingDeploy(environment, artifact!, version!, say, interrupt.signal) : kubernetesDeploy(environment, artifact!, version!, say);
  say(`${result.outcome}: ${result.detail}`);
  return result.outcome === 'rolled back' || result.outcome === 'failed' ? 1 : 0;
}

/** `agora status [--environment local]`: the processes, instances, releases and traffic splits of a split shop. */
export async function statusCommand(args: string[]): Promise<number> {
  const { environment: name } = options(args, ['environment']);
  const environment = loadEnvironment(name ?? 'local');
  if (environment.kind !== 'local') throw new Error(`agora status reads a local environment; for ${environment.name} use kubectl --context ${environment.context} get deployments`);
  const processes = await ControlClient.connect(environment.dataDir).processes();
  const natsUrl = readConnections(environment.dataDir).NATS_URL;
  const registry = natsUrl ? await ServiceRegistry.connect({ natsUrl, logger: rootLogger() }) : undefined;
  try {
    say('process                  version    pid      state     supervised  instances');
    for (const info of processes) {
      const urls = (registry?.instances(info.services[0]) ?? []).filter((instance) => instance.pid === info.pid).map((instance) => instance.url);
      say(`${info.id.padEnd(24)} ${info.version.padEnd(10)} ${String(info.pid ?? '-').padEnd(8)} ${info.state.padEnd(9)} ${String(info.supervised).padEnd(11)} ${urls.join(' ')}`);
    }
    for (const service of new Set(processes.flatMap((info) => info.services))) {
      const weights = registry?.routes.weights(service);
      if (weights) say(`traffic split ${service}: ${weights.map((release) => `${release.version} ${release.weight}%`).join(', ')}`);
    }
  } finally {
    await registry?.close();
  }
  return 0;
}
