import { chassisApi, type Caller, type InstanceAnswer, type ServiceDescription } from '@agora/chassis';
import type { NodeInstance } from './contract.ts';
import type { Declared, ServiceView } from './topology-graph.ts';

/**
 * Asks every instance of every service what it is and what it declares (the chassis' `describe`),
 * over discovery in the split topology and in-process in the embedded one. What a service declared
 * is remembered, so a service with no live instance stays on the graph with its edges, and no
 * instances, which is exactly what an operator breaking things wants to see.
 */
export class ServiceDeclarations {
  readonly #caller: Caller;
  readonly #services: string[];
  readonly #lastKnown = new Map<string, Declared>();

  constructor(caller: Caller, services: string[]) {
    this.#caller = caller;
    this.#services = services;
  }

  gather(): Promise<ServiceView[]> {
    return Promise.all(
      this.#services.map(async (service) => {
        const answers = await this.#caller.callEach(chassisApi, 'describe', {}, { target: service }).catch((): InstanceAnswer<ServiceDescription>[] => []);
        const described = answers.flatMap((answer) => (answer.ok ? [answer.body] : []));
        if (described.length > 0) this.#lastKnown.set(service, union(described));
        return { service, declared: this.#lastKnown.get(service), instances: answers.map(instanceOf) };
      }),
    );
  }
}

/** An instance that did not answer is still there (discovery lists it), just not ready. */
function instanceOf(answer: InstanceAnswer<ServiceDescription>): NodeInstance {
  if (!answer.ok) return { version: 'unknown', ready: false };
  const { url, version, pid, ready } = answer.body.instance;
  return { ...(url ? { url } : {}), version, pid, ready };
}

/** Instances of two releases (a canary) may declare different edges: the graph shows both. */
function union(described: ServiceDescription[]): Declared {
  const calls = new Map(described.flatMap((description) => description.calls.map((callee) => [callee.service, callee] as const)));
  const first = described[0]!;
  return {
    calls: [...calls.values()],
    publishes: [...new Set(described.flatMap((description) => description.publishes))],
    consumes: [...new Set(described.flatMap((description) => description.consumes))],
    database: first.database.engine,
    bus: first.bus.engine,
  };
}
