import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../telemetry/logger.ts';
import { followBucket, type BucketFollower } from './follow-bucket.ts';
import { RouteTable } from './route-table.ts';
import { NATS_CLIENT_OPTIONS } from '../nats-client-options.ts';

const BUCKET = 'agora-services';

export interface Instance {
  service: string;
  id: string;
  /** Where its HTTP API listens, e.g. http://127.0.0.1:41234. */
  url: string;
  /** The release this instance runs (SERVICE_VERSION), for weighted routing between releases. */
  version: string;
  pid: number;
  /** The last heartbeat, epoch ms. */
  seenAt: number;
}

export interface RegistryOptions {
  natsUrl: string;
  logger: Logger;
  /** How often an instance says it is alive. */
  heartbeatMs?: number;
}

/**
 * Service discovery on NATS JetStream KV: every instance writes `<service>.<id>` with its URL and
 * refreshes it each heartbeat; a graceful stop deletes the key. The bucket's TTL ages out what a
 * killed instance left; readers also drop an entry whose heartbeat is three beats old, so a dead
 * instance leaves rotation within seconds without waiting for the TTL.
 */
export class ServiceRegistry {
  readonly #nc: NatsConnection;
  readonly #kv: KV;
  readonly #options: Required<RegistryOptions>;
  readonly #instances = new Map<string, Instance>();
  readonly #own = new Map<string, Instance>();
  readonly #timers: NodeJS.Timeout[] = [];
  #follower: BucketFollower | undefined;
  #stopped = false;
  /** While NATS is away (and for three beats after), nobody's heartbeat can arrive: see instances(). */
  #preservingUntil = 0;

  /** Canary weights set at run time, on the same NATS connection. */
  readonly routes: RouteTable;

  private constructor(nc: NatsConnection, kv: KV, routes: RouteTable, options: Required<RegistryOptions>) {
    this.#nc = nc;
    this.#kv = kv;
    this.routes = routes;
    this.#options = options;
  }

  static async connect(options: RegistryOptions): Promise<ServiceRegistry> {
    const full = { heartbeatMs: 1_000, ...options };
    const nc = await connect({ ...NATS_CLIENT_OPTIONS, servers: full.natsUrl, name: 'agora-registry', reconnectTimeWait: 250 });
    const kv = await new Kvm(nc).create(BUCKET, { history: 1, ttl: full.heartbeatMs * 30 });
    const registry = new ServiceRegistry(nc, kv, await RouteTable.open(nc, full.logger), full);
    void registry.#followConnection();
    registry.#follower = await followBucket(kv, await jetstreamManager(nc), (entry) => registry.#apply(entry), full.logger, 'registry');
    return registry;
  }

  async #followConnection(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (status.type === 'disconnect') this.#preservingUntil = Number.POSITIVE_INFINITY;
      else if (status.type === 'reconnect') this.#preservingUntil = Date.now() + this.#options.heartbeatMs * 3;
    }
  }

  /** Announces an instance of `service` at `url` until `deregister` or stop. */
  async register(service: string, url: string, version = 'unversioned'): Promise<Instance> {
    const instance: Instance = { service, id: randomUUID().slice(0, 8), url, version, pid: process.pid, seenAt: Date.now() };
    this.#own.set(instance.id, instance);
    await this.#beat(instance);
    const timer = setInterval(() => void this.#beat(instance), this.#options.heartbeatMs);
    timer.unref();
    this.#timers.push(timer);
    return instance;
  }

  /**
   * Live instances of a service (or of every service). While the registry itself is cut off from
   * NATS, silence proves nothing, so the last known instances stay (self-preservation, as in
   * Eureka): calls keep flowing over HTTP, and the balancer ejects any instance that refuses them.
   */
  instances(service?: string): Instance[] {
    const staleBefore = Date.now() < this.#preservingUntil ? Number.NEGATIVE_INFINITY : Date.now() - this.#options.heartbeatMs * 3;
    return [...this.#instances.values()].filter((instance) => instance.seenAt >= staleBefore && (service === undefined || instance.service === service));
  }

  async #beat(instance: Instance): Promise<void> {
    if (this.#stopped || !this.#own.has(instance.id)) return;
    instance.seenAt = Date.now();
    try {
      await this.#kv.put(`${instance.service}.${instance.id}`, JSON.stringify(instance));
    } catch (error) {
      // NATS away for a moment: the next beat tries again; peers keep this instance for three beats.
      this.#options.logger.warn({ err: error, service: instance.service }, 'registry heartbeat failed');
    }
  }

  /**
   * A heartbeat counts from when it arrived here, on this process's clock: the `seenAt` its writer
   * stamped is another host's clock, and one running 30 s behind would drop out of every reader's
   * rotation while alive and beating.
   */
  #apply(entry: KvEntry): void {
    if (entry.operation === 'PUT') this.#instances.set(entry.key, { ...(JSON.parse(entry.string()) as Instance), seenAt: Date.now() });
    else this.#instances.delete(entry.key);
  }

  /** Withdraws this process's instances (graceful stop: callers move on at once). */
  async deregister(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    const own = [...this.#own.values()];
    this.#own.clear();
    await Promise.all(own.map((instance) => this.#kv.delete(`${instance.service}.${instance.id}`).catch(() => undefined)));
  }

  async close(): Promise<void> {
    await this.deregister();
    this.#stopped = true;
    // Both watches end before the drain: a watch half set up when the connection closes leaks a timer.
    await Promise.all([this.#follower?.stop(), this.routes.stop()]);
    await this.#nc.drain().catch(() => undefined);
  }
}
