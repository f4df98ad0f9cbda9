import { chassisApi, flowCounters, metrics, servedRequests, type Caller, type ServiceFlow } from '@agora/chassis';
import type { BreakerState } from './contract.ts';
import { BUS, GATEWAY, callEdge, eventEdge } from './edge-ids.ts';
import type { RouteOwners } from './route-owners.ts';
import { addServed } from './served-window.ts';
import { waitingByService, type BacklogSource } from './waiting.ts';
import { addWorstBreakers } from './worst-breakers.ts';

/** One look at the whole system's counters: cumulative, per instance; the sampler takes differences. */
export interface FlowSample {
  at: number;
  /** `<instance>|<edge id>|count` and `…|errors` → the instance's cumulative value. */
  counters: Map<string, number>;
  /** Per call edge, the worst state over the caller's instances. */
  breakers: Record<string, BreakerState>;
  /** Events committed but not yet relayed, per service, summed over its instances. */
  outbox: Record<string, number>;
  /** Services with an instance that did not answer, or with none at all. */
  unreachable: string[];
  /** Requests each instance answered, cumulative: `<service>|<instance id>|<field>` (see addServed). */
  served: Map<string, number>;
  /** Events waiting on the bus per consuming service; unset without a bus, or when it did not answer. */
  waiting?: Record<string, number>;
}

export interface SampleSources {
  caller: Caller;
  services: string[];
  owners: RouteOwners;
  version: string;
  /** The bus the services consume from; unset (a gateway without one): no `waiting`. */
  bus?: BacklogSource;
}

/**
 * Reads every instance's `flow` (as `/metrics` does, over discovery in the split topology) and the
 * gateway's own counters, keyed by instance so that instances can come, go and restart.
 */
export async function sampleFlows(sources: SampleSources): Promise<FlowSample> {
  const sample: FlowSample = { at: Date.now(), counters: new Map(), breakers: {}, outbox: {}, unreachable: [], served: new Map() };
  // Asked beside the services; a bus that does not answer leaves the count out, not the sample.
  const waiting = sources.bus ? waitingByService(sources.bus, sources.services).catch(() => undefined) : undefined;
  const remote = await Promise.all(
    sources.services.map(async (service) => {
      const answers = await sources.caller.callEach(chassisApi, 'flow', {}, { target: service }).catch(() => []);
      if (answers.length === 0 || answers.some((answer) => !answer.ok)) sample.unreachable.push(service);
      return answers.flatMap((answer) => (answer.ok ? [answer.body] : []));
    }),
  );
  for (const flow of [await gatewayFlow(sources), ...remote.flat()]) add(sample, flow);
  const backlog = await waiting;
  if (backlog) sample.waiting = backlog;
  return sample;
}

function add(sample: FlowSample, flow: ServiceFlow): void {
  const instance = `${flow.service}/${flow.instance.id}`;
  const count = (edge: string, value: number, errors: number) => {
    for (const [field, amount] of [['count', value], ['errors', errors]] as const) {
      const key = `${instance}|${edge}|${field}`;
      sample.counters.set(key, (sample.counters.get(key) ?? 0) + amount);
    }
  };
  for (const call of flow.calls) count(callEdge(flow.service, call.target), call.count, call.errors);
  for (const event of flow.published) count(eventEdge(flow.service, BUS, event.type), event.count, 0);
  for (const event of flow.consumed) count(eventEdge(BUS, flow.service, event.type), event.count, event.errors);
  addServed(sample.served, flow);
  // The gateway has no outbox of its own.
  if (flow.service !== GATEWAY) sample.outbox[flow.service] = (sample.outbox[flow.service] ?? 0) + flow.outboxPending;
  addWorstBreakers(sample.breakers, flow.breakers, (target) => callEdge(flow.service, target));
}

/**
 * The gateway's own flow: requests it served, by the service owning the route (5xx as errors), and
 * the calls its caller made (token keys, operator calls). Its served requests are the API requests
 * it routed, not the console's and operators' own.
 */
async function gatewayFlow({ caller, owners, version }: SampleSources): Promise<ServiceFlow> {
  const own = await flowCounters(GATEWAY);
  const requests = (await metrics.httpRequests.get()).values.flatMap(({ labels, value }) => {
    const owner = labels.service === GATEWAY ? owners.ownerOf(String(labels.method), String(labels.route)) : undefined;
    return owner ? [{ target: owner, count: value, errors: Number(labels.status) >= 500 ? value : 0 }] : [];
  });
  return {
    service: GATEWAY,
    instance: { id: String(process.pid), pid: process.pid, version },
    calls: [...own.calls, ...requests],
    published: [],
    consumed: [],
    outboxPending: 0,
    breakers: caller.breakerStates(),
    served: await servedRequests(GATEWAY, (method, route) => owners.ownerOf(method, route) !== undefined),
  };
}
