import type { Kysely } from 'kysely';
import { loadConfig } from '../config/env.ts';
import { consumerName } from '../events/consumer.ts';
import { rootLogger } from '../telemetry/logger.ts';
import type { ServiceContext } from './context.ts';
import type { ServiceDefinition } from './define-service.ts';

export interface ConsumerManifestEntry {
  /** The durable consumer's name on the bus, as the runtime subscribes it. */
  consumer: string;
  types: string[];
}

/**
 * Every durable consumer of the given services, without running them: their parts are built with
 * a context that refuses to be used. A broker without history (RabbitMQ) needs every queue
 * declared before the first event is published, by whichever process starts first.
 */
export function consumerManifest(definitions: ServiceDefinition[], env: NodeJS.ProcessEnv = process.env): ConsumerManifestEntry[] {
  return definitions.flatMap((definition) => {
    const refuse = (): never => {
      throw new Error(`${definition.name}: the consumer manifest builds parts without running them`);
    };
    const context: ServiceContext<any, any> = {
      service: definition.name,
      db: new Proxy({}, { get: refuse }) as Kysely<any>,
      config: loadConfig(definition.config, env),
      logger: rootLogger().child({ service: definition.name }),
      transaction: refuse,
      call: refuse,
    };
    return (definition.create(context).consumers ?? []).map((consumer) => ({
      consumer: consumerName(definition.name, consumer),
      types: consumer.events.map((event) => event.type),
    }));
  });
}
