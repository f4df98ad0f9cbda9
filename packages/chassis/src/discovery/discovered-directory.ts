import type { ServiceDirectory } from '../calls/client.ts';
import { HttpTransport } from '../calls/http-transport.ts';
import { SignedTransport, type ServiceSigning } from '../calls/signed-transport.ts';
import type { Transport, TransportRequest, TransportResponse } from '../calls/transport.ts';
import { problems } from '../contract/problems.ts';
import type { ServiceRegistry } from './registry.ts';
import { pickRelease, type Release, type RouteWeights } from './route-weights.ts';
import { ordinalOrder } from '../ordinal-order.ts';

/** How long an instance that refused a connection is left out before it is tried again. */
const EJECTION_MS = 5_000;

/** Connection-level failures: the instance is gone or not listening, not merely slow. */
function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED'].includes(code);
}

/**
 * Client-side load balancing over the instances the registry knows: round robin over live
 * instances, and an instance that refuses a connection is ejected for a few seconds at once
 * (the caller's retry then lands on another one), before its heartbeat even goes stale.
 */
class BalancedTransport implements Transport {
  readonly #service: string;
  readonly #directory: DiscoveredDirectory;
  #next = 0;

  constructor(service: string, directory: DiscoveredDirectory) {
    this.#service = service;
    this.#directory = directory;
  }

  /** Round robin, within the release picked by weight when this service's traffic is split (canary). */
  #choose(candidates: Array<{ url: string; version: string }>): string {
    let pool = candidates;
    const releases = this.#directory.releases(this.#service);
    if (releases) {
      const release = pickRelease(releases, new Set(candidates.map((candidate) => candidate.version)));
      if (release !== undefined) pool = candidates.filter((candidate) => candidate.version === release);
    }
    return pool[this.#next++ % pool.length]!.url;
  }

  async request(request: TransportRequest): Promise<TransportResponse> {
    const candidates = this.#directory.live(this.#service);
    if (candidates.length === 0) throw problems.unavailable(`no live instance of ${this.#service}`, { headers: { 'retry-after': '1' } });
    const url = this.#choose(candidates);
    try {
      return await this.#directory.pool(url).request(request);
    } catch (error) {
      if (isConnectionFailure(error)) this.#directory.eject(url);
      throw error;
    }
  }
}

/** Resolves service names through discovery: the split topology's directory. */
export class DiscoveredDirectory implements ServiceDirectory {
  readonly #registry: ServiceRegistry;
  readonly #pools = new Map<string, HttpTransport>();
  readonly #balancers = new Map<string, Transport>();
  readonly #ejected = new Map<string, number>();
  readonly #connections: number;

  readonly #weights: RouteWeights;
  readonly #signing: ServiceSigning | undefined;

  /**
   * `weights`: per service, the share of calls each release gets (canary routing), unless the route
   * table says otherwise. `signing`: every request carries a service token (unset: SERVICE_AUTH=off).
   */
  constructor(registry: ServiceRegistry, options: { connections?: number; weights?: RouteWeights; signing?: ServiceSigning } = {}) {
    this.#registry = registry;
    this.#connections = options.connections ?? 64;
    this.#weights = options.weights ?? new Map();
    this.#signing = options.signing;
  }

  transport(service: string): Transport {
    let balancer = this.#balancers.get(service);
    if (!balancer) {
      balancer = this.#signed(new BalancedTransport(service, this), service);
      this.#balancers.set(service, balancer);
    }
    return balancer;
  }

  #signed(transport: Transport, service: string): Transport {
    return this.#signing ? new SignedTransport(transport, service, this.#signing) : transport;
  }

  /** How `service`'s traffic is split between releases: set at run time (a deploy), else ROUTE_WEIGHTS. */
  releases(service: string): Release[] | undefined {
    return this.#registry.routes.weights(service) ?? this.#weights.get(service);
  }

  instances(service: string): Transport[] {
    return this.#registered(service).map((instance) => this.#signed(this.pool(instance.url), service));
  }

  /** Every registered instance of a service, in a stable order (by URL). */
  #registered(service: string): Array<{ url: string; version: string }> {
    return this.#registry
      .instances(service)
      .map((instance) => ({ url: instance.url, version: instance.version }))
      .sort((a, b) => ordinalOrder(a.url, b.url));
  }

  /**
   * URLs of the instances to use now, in a stable order. When every instance is ejected, all are
   * tried again (as Envoy's panic threshold does): better a failing call than no call at all.
   */
  live(service: string): Array<{ url: string; version: string }> {
    const now = Date.now();
    const registered = this.#registered(service);
    const usable = registered.filter((instance) => (this.#ejected.get(instance.url) ?? 0) <= now);
    return usable.length > 0 ? usable : registered;
  }

  pool(url: string): HttpTransport {
    let pool = this.#pools.get(url);
    if (!pool) {
      pool = new HttpTransport(url, { connections: this.#connections });
      this.#pools.set(url, pool);
    }
    return pool;
  }

  eject(url: string): void {
    this.#ejected.set(url, Date.now() + EJECTION_MS);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#pools.values()].map((pool) => pool.close()));
  }
}
