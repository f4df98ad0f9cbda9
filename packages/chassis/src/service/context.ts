import type { Kysely, Transaction } from 'kysely';
import type { ApiContract, CallInput, SuccessBody } from '../contract/api.ts';
import type { EventData, EventDefinition } from '../contract/events.ts';
import type { CallOptions, RouteOf } from '../calls/client.ts';
import type { Logger } from '../telemetry/logger.ts';
import type { TransactionOptions } from '../storage/database.ts';

/** The authenticated caller, as established by the gateway. */
export interface Principal {
  sub: string;
  role: 'customer' | 'admin';
}

/** A unit of work in the service's own database; events published here commit with it (outbox). */
export interface Tx<DB> {
  db: Transaction<DB>;
  publish<E extends EventDefinition>(event: E, subject: string, data: EventData<E>): void;
}

/** Everything a handler may use. It has no way to reach another service's database. */
export interface ServiceContext<DB = unknown, Config = unknown> {
  service: string;
  db: Kysely<DB>;
  config: Config;
  logger: Logger;
  transaction<T>(work: (tx: Tx<DB>) => Promise<T>, options?: TransactionOptions): Promise<T>;
  call<Api extends ApiContract, K extends keyof Api['routes'] & string>(
    api: Api,
    operation: K,
    input: CallInput<RouteOf<Api, K>>,
    options?: CallOptions<SuccessBody<RouteOf<Api, K>>>,
  ): Promise<SuccessBody<RouteOf<Api, K>>>;
}
