import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../telemetry/logger.ts';
import { followBucket, type BucketFollower } from './follow-bucket.ts';
import type { Release } from './route-weights.ts';

const BUCKET = 'agora-routes';

/**
 * Traffic shares per release, set while the system runs (a rolling deploy's canary step) and
 * followed by every gateway and service at once through a NATS KV bucket. Unlike instances, a
 * weight has no heartbeat: it stays until it is cleared.
 */
export class RouteTable {
  readonly #kv: KV;
  readonly #weights = new Map<string, Release[]>();
  #follower: BucketFollower | undefined;

  private constructor(kv: KV) {
    this.#kv = kv;
  }

  static async open(nc: NatsConnection, logger: Logger): Promise<RouteTable> {
    const table = new RouteTable(await new Kvm(nc).create(BUCKET, { history: 1 }));
    table.#follower = await followBucket(table.#kv, await jetstreamManager(nc), (entry) => table.#apply(entry), logger, 'route table');
    return table;
  }

  #apply(entry: KvEntry): void {
    if (entry.operation !== 'PUT') {
      this.#weights.delete(entry.key);
      return;
    }
    const releases: unknown = JSON.parse(entry.string());
    const valid = Array.isArray(releases) && releases.every((release) => typeof release?.version === 'string' && typeof release?.weight === 'number' && release.weight >= 0);
    if (!valid) throw new Error(`not a list of { version, weight }: ${entry.string().slice(0, 200)}`);
    this.#weights.set(entry.key, releases as Release[]);
  }

  /** The releases of `service` and their shares, when its traffic is being split now. */
  weights(service: string): Release[] | undefined {
    return this.#weights.get(service);
  }

  /** Splits `service`'s traffic between releases; an empty list goes back to every instance alike. */
  async set(service: string, releases: Release[]): Promise<void> {
    if (releases.length === 0) await this.#kv.delete(service);
    else await this.#kv.put(service, JSON.stringify(releases));
  }

  /** Stops following; resolves once the watch has ended, before the connection it shares is drained. */
  stop(): Promise<void> {
    return this.#follower?.stop() ?? Promise.resolve();
  }
}
