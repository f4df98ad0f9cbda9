import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CHECKOUT } from '../checkout-root.ts';

/** A container tool that works here: an engine answering (docker, podman), or buildah. */
export function containerBuilder(): string | undefined {
  const works = (program: string, args: string[]) => spawnSync(program, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
  if (works('docker', ['info'])) return 'docker';
  if (works('podman', ['info'])) return 'podman';
  if (works('buildah', ['--version'])) return 'buildah';
  return undefined;
}

export function imageName(artifact: string, version: string, registry = 'agora'): string {
  return `${registry}/${artifact}:${version}`;
}

function run(builder: string, args: string[]): void {
  const result = spawnSync(builder, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${builder} ${args.join(' ')} failed with ${result.status ?? result.signal}`);
}

function required(): string {
  const builder = containerBuilder();
  if (!builder) throw new Error('no container tool works here (docker or podman with a running engine, or buildah)');
  return builder;
}

/** `deploy/Dockerfile` built for one artifact and version, from a source tree (this checkout by default). */
export function buildImage(artifact: string, version: string, source = CHECKOUT): string {
  const builder = required();
  const tag = imageName(artifact, version);
  const verb = builder === 'buildah' ? 'bud' : 'build';
  run(builder, [verb, '-f', join(source, 'deploy', 'Dockerfile'), '--build-arg', `SERVICE=${artifact}`, '--build-arg', `VERSION=${version}`, '-t', tag, source]);
  return tag;
}

/** The local image pushed to an environment's registry under the same version. */
export function pushImage(artifact: string, version: string, registry: string): string {
  const builder = required();
  const target = imageName(artifact, version, registry);
  run(builder, ['tag', imageName(artifact, version), target]);
  run(builder, ['push', target]);
  return target;
}
