import type { Static, TObject } from 'typebox';
import type { ApiContract } from '../contract/api.ts';
import type { EventDefinition } from '../contract/events.ts';
import type { ConsumerDefinition } from '../events/consumer.ts';
import type { Handlers } from '../http/routes.ts';
import type { ServiceMigration } from '../storage/database.ts';
import type { ServiceContext } from './context.ts';

/** Something a service runs in the background (a saga runner, a sweeper); stopped before the database closes. */
export interface Worker {
  start(): void;
  stop(): Promise<void>;
}

export interface ServiceParts<Api extends ApiContract> {
  handlers: Handlers<Api>;
  consumers?: ConsumerDefinition[];
  workers?: Worker[];
  /** Development sample data; must be safe to run on every start. */
  seed?(): Promise<void>;
}

export interface ServiceDefinition<DB = any, Api extends ApiContract = ApiContract, Config extends TObject = TObject> {
  name: string;
  /** One line: what this bounded context owns. */
  description: string;
  api: Api;
  /** Events this service produces (it owns their definitions). */
  publishes: EventDefinition[];
  /** Services called synchronously, by contract. */
  dependsOn: ApiContract[];
  /** Environment variables this service reads, validated at start. */
  config: Config;
  storage: StorageDefinition<DB>;
  create(context: ServiceContext<DB, Static<Config>>): ServiceParts<Api>;
}

/** A service's database: its migrations, and (as a type only) its tables. */
export interface StorageDefinition<DB> {
  migrations: Record<string, ServiceMigration>;
  readonly tables?: DB;
}

export function defineStorage<DB>(migrations: Record<string, ServiceMigration>): StorageDefinition<DB> {
  return { migrations };
}

/** The only wiring a service has: its contract, its storage, its dependencies, its handlers. */
export function defineService<DB, Api extends ApiContract, Config extends TObject>(definition: ServiceDefinition<DB, Api, Config>): ServiceDefinition<DB, Api, Config> {
  return definition;
}
