import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rootLogger } from '@agora/chassis';
import { ServiceRegistry } from '@agora/chassis/split';
import { readConnections } from '../connections.ts';
import { ControlClient } from '../control/control-client.ts';
import type { ProcessInfo, ProcessSpec } from '../control/process-table.ts';
import { verifiedManifest } from './artifacts.ts';
import type { DeployResult } from './deploy-result.ts';
import type { LocalEnvironment } from './environments.ts';
import { isReady, observeGate } from './gate.ts';

/** Bringing the old release back is not interruptible: it is what an interruption asks for. */
const NEVER = new AbortController().signal;

/**
 * A rolling deploy of one service on a local environment (a running split shop), one instance at
 * a time. The first new instance is a canary: the route table gives its release only
 * `canaryWeight` percent of the HTTP traffic while its gate is watched. Each new instance must get
 * ready and pass the gate, and be supervised and running, before an old one is stopped. Any
 * failure, an error of the deploy itself, or an interruption (Ctrl-C aborts `interrupted`) rolls
 * back: the old instances stopped so far start again and get ready first, then the old release
 * takes all the traffic, then the new instances stop.
 */
export async function rollingDeploy(environment: LocalEnvironment, artifact: string, version: string, report: (line: string) => void, interrupted: AbortSignal): Promise<DeployResult> {
  if (artifact === 'gateway') throw new Error('the local gateway runs inside the supervisor: restart the shop to change it');
  const folder = join(environment.repository, artifact, version);
  if (!existsSync(join(folder, 'artifact.json'))) {
    throw new Error(`${artifact} ${version} is not published to ${environment.name}: run agora publish --artifact ${artifact} --version ${version} --environment ${environment.name}`);
  }
  verifiedManifest(folder);
  const control = ControlClient.connect(environment.dataDir);
  const natsUrl = readConnections(environment.dataDir).NATS_URL;
  if (!natsUrl) throw new Error(`the shop on ${environment.dataDir} lists no NATS_URL in connections.json`);

  const all = await control.processes();
  const shared = all.find((info) => info.services.includes(artifact) && info.services.length > 1);
  if (shared) throw new Error(`${artifact} runs inside process ${shared.id} with ${shared.services.join(', ')}: only a service in processes of its own can be deployed alone`);
  const old = all.filter((info) => info.services.length === 1 && info.services[0] === artifact);
  if (old.length > 0 && old.every((info) => info.version === version)) return { outcome: 'unchanged', detail: `${artifact} already runs ${version}` };
  const oldVersion = old[0]?.version;
  const replicas = environment.replicas?.[artifact] ?? Math.max(old.length, 1);
  const gate = environment.gate;

  const registry = await ServiceRegistry.connect({ natsUrl, logger: rootLogger() });
  const started: ProcessInfo[] = [];
  const retired: ProcessInfo[] = [];

  /** The new instances' addresses now (a supervised process restarted has a new pid). */
  const newInstanceUrls = async () => {
    const current = await control.processes();
    const pids = new Set(started.map((info) => current.find((each) => each.id === info.id)?.pid));
    return registry.instances(artifact).filter((instance) => pids.has(instance.pid)).map((instance) => instance.url);
  };
  const allRunning = async () => {
    const current = await control.processes();
    return started.every((info) => current.some((each) => each.id === info.id && each.state === 'running'));
  };

  const rollBack = async (reason: string): Promise<DeployResult> => {
    report(`${reason}; rolling back`);
    const problems: string[] = [];
    // The old instances come back and get ready while the new ones still serve: capacity never drops.
    for (const info of retired) {
      const restored = await control.start(specOf(info));
      const failure = await untilReady(registry, control, restored, gate.readyTimeoutSeconds * 1_000, NEVER);
      if (failure) {
        problems.push(`could not bring back ${info.version}: ${failure}`);
        await control.stop(restored.id).catch(() => undefined);
        continue;
      }
      await control.supervise(restored.id);
      report(`brought back ${info.version} as ${restored.id}`);
    }
    if (oldVersion) await registry.routes.set(artifact, [{ version: oldVersion, weight: 100 }]);
    for (const info of started) await control.stop(info.id).catch(() => undefined);
    await registry.routes.set(artifact, []);
    for (const problem of problems) report(problem);
    if (problems.length > 0) return { outcome: 'failed', detail: `${artifact} ${version} was rolled back, but ${problems.join('; ')}` };
    return { outcome: 'rolled back', detail: `${artifact} ${version} ${reason}; ${oldVersion ? `${oldVersion} serves again` : 'no instance runs'}` };
  };

  try {
    if (oldVersion) {
      await registry.routes.set(artifact, [{ version: oldVersion, weight: 100 - gate.canaryWeight }, { version, weight: gate.canaryWeight }]);
      report(`canary: ${version} gets ${gate.canaryWeight}% of ${artifact}'s traffic, ${oldVersion} the rest`);
    }
    for (let step = 1; step <= replicas; step++) {
      const info = await control.start({ services: [artifact], version, root: folder });
      started.push(info);
      report(`[${step}/${replicas}] started ${info.id} (pid ${info.pid}), waiting until it is ready`);
      const failure = await untilReady(registry, control, info, gate.readyTimeoutSeconds * 1_000, interrupted);
      if (failure) return await rollBack(`failed: ${failure}`);
      const verdict = await observeGate(await newInstanceUrls(), artifact, gate, allRunning, interrupted);
      if (!verdict.passed) return await rollBack(`failed its gate: ${verdict.reason}`);
      report(
        `[${step}/${replicas}] ${info.id} passed its gate: ${verdict.judged ? `${verdict.counts.errors} errors in ${verdict.counts.total} requests and deliveries` : `ready; only ${verdict.counts.total} requests and deliveries, error rate not judged`}`,
      );
      // A process that died between its gate and now would not be restarted: never count on it.
      if ((await control.supervise(info.id)).state !== 'running') return await rollBack(`failed: ${info.id} exited right after its gate`);
      // The canary has proved itself: from here on every instance takes an equal share.
      if (step === 1 && oldVersion) await registry.routes.set(artifact, []);
      const next = old.shift();
      if (next) {
        await control.stop(next.id);
        retired.push(next);
        report(`[${step}/${replicas}] stopped ${next.id} (${next.version})`);
      }
    }
    for (const extra of old.splice(0)) {
      await control.stop(extra.id);
      report(`stopped ${extra.id} (${extra.version}): ${replicas} replicas wanted`);
    }
    return { outcome: 'deployed', detail: `${artifact} ${version} runs on ${replicas} instance(s)` };
  } catch (error) {
    return await rollBack(`failed: ${(error as Error).message}`);
  } finally {
    await registry.close();
  }
}

function specOf(info: ProcessInfo): ProcessSpec {
  return { services: info.services, version: info.version, root: info.root };
}

/** Undefined once the process is registered in discovery and its /readyz answers 200; else why not. */
async function untilReady(registry: ServiceRegistry, control: ControlClient, info: ProcessInfo, timeoutMs: number, interrupted: AbortSignal): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (interrupted.aborted) return 'the deploy was interrupted';
    const current = (await control.processes()).find((each) => each.id === info.id);
    if (!current || current.state === 'exited') return `${info.id} exited with ${current?.exitCode ?? 'unknown'} before it was ready`;
    const instance = registry.instances(info.services[0]).find((each) => each.pid === current.pid);
    if (instance && (await isReady(instance.url))) return undefined;
    await sleep(200);
  }
  return `${info.id} was not ready within ${timeoutMs / 1_000} s`;
}
