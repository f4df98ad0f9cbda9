import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { rootLogger } from '@agora/chassis';
import { ServiceRegistry, type Instance } from '@agora/chassis/split';
import { readConnections } from '../connections.ts';
import { ControlClient } from '../control/control-client.ts';
import type { ProcessInfo } from '../control/process-table.ts';
import { verifiedManifest } from './artifacts.ts';
import type { LocalEnvironment } from './environments.ts';
import { observeGate } from './gate.ts';

export interface DeployResult {
  outcome: 'deployed' | 'rolled back' | 'unchanged';
  detail: string;
}

/**
 * A rolling deploy of one service on a local environment (a running split shop), one instance at
 * a time. The first new instance is a canary: the route table gives its release only
 * `canaryWeight` percent of the traffic while its gate is watched. Each new instance must get
 * ready and pass the gate before an old one is stopped; a failed gate takes the new release out
 * of the traffic at once, stops its instances and brings back the old ones stopped so far. An
 * interrupted deploy (`interrupted` aborts: Ctrl-C) rolls back the same way, so no half-deployed
 * release or canary split outlives the command.
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
      const urls = started.map((each) => instanceOf(registry, artifact, each)?.url).filter((url): url is string => url !== undefined);
      const verdict = failure ? { passed: false as const, reason: failure } : await observeGate(urls, artifact, gate, () => allRunning(control, started), interrupted);
      if (!verdict.passed) return await rollBack(verdict.reason);
      report(
        `[${step}/${replicas}] ${info.id} passed its gate: ${verdict.judged ? `${verdict.counts.errors} errors in ${verdict.counts.total} requests` : `ready; only ${verdict.counts.total} requests, error rate not judged`}`,
      );
      await control.supervise(info.id);
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
  } finally {
    await registry.close();
  }

  async function rollBack(reason: string): Promise<DeployResult> {
    report(`gate failed: ${reason}; rolling back`);
    // First out of the traffic, then gone: the old release takes everything at once.
    if (oldVersion) await registry.routes.set(artifact, [{ version: oldVersion, weight: 100 }]);
    for (const info of started) await control.stop(info.id).catch(() => undefined);
    for (const info of retired) {
      const restored = await control.start({ services: info.services, version: info.version, root: info.root });
      // Bringing the old release back is not interruptible: it is what an interruption asks for.
      const failure = await untilReady(registry, control, restored, gate.readyTimeoutSeconds * 1_000, new AbortController().signal);
      if (failure) report(`could not bring back ${info.version}: ${failure}`);
      else await control.supervise(restored.id);
      report(`brought back ${info.version} as ${restored.id}`);
    }
    await registry.routes.set(artifact, []);
    return { outcome: 'rolled back', detail: `${artifact} ${version} failed its gate (${reason}); ${oldVersion ?? 'nothing'} serves again` };
  }
}

function instanceOf(registry: ServiceRegistry, service: string, info: ProcessInfo): Instance | undefined {
  return registry.instances(service).find((instance) => instance.pid === info.pid);
}

async function allRunning(control: ControlClient, started: ProcessInfo[]): Promise<boolean> {
  const now = await control.processes();
  return started.every((info) => now.some((each) => each.id === info.id && each.state === 'running'));
}

/** Undefined once the process is registered in discovery and its /readyz answers 200; else why not. */
async function untilReady(registry: ServiceRegistry, control: ControlClient, info: ProcessInfo, timeoutMs: number, interrupted: AbortSignal): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (interrupted.aborted) return 'the deploy was interrupted';
    const current = (await control.processes()).find((each) => each.id === info.id);
    if (!current || current.state === 'exited') return `${info.id} exited with ${current?.exitCode ?? 'unknown'} before it was ready`;
    const instance = instanceOf(registry, info.services[0]!, info);
    if (instance) {
      const ready = await fetch(new URL('/readyz', instance.url), { signal: AbortSignal.timeout(2_000) }).then((response) => response.ok, () => false);
      if (ready) return undefined;
    }
    await sleep(200);
  }
  return `${info.id} was not ready within ${timeoutMs / 1_000} s`;
}
