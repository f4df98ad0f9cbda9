import { Type, type Static } from '@agora/chassis';
import { GatewayConfigSchema } from '@agora/gateway/config';

/** Settings of the platform itself (not of one service), read from the environment at start. */
export const PlatformConfigSchema = Type.Object({
  ...GatewayConfigSchema.properties,
  AGORA_TOPOLOGY: Type.Union([Type.Literal('embedded'), Type.Literal('split'), Type.Literal('mixed')], { default: 'embedded', description: 'a grouping of services into processes from topology.ts' }),
  NATS_URL: Type.Optional(Type.String({ pattern: '^nats://', description: 'NATS JetStream of the split topology; unset: started locally' })),
  EVENT_BUS: Type.Union([Type.Literal('nats'), Type.Literal('rabbitmq')], { default: 'nats', description: 'split: the event bus (service discovery stays on NATS)' }),
  RABBITMQ_URL: Type.Optional(Type.String({ pattern: '^amqps?://', description: 'split with EVENT_BUS=rabbitmq: the broker; unset: started locally' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://', description: 'Redis of the split topology; unset: started locally' })),
  SERVICE_VERSION: Type.String({ pattern: '^[A-Za-z0-9._-]+$', default: '0.1.0', description: 'the release `agora serve` announces in discovery' }),
  SERVICE_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: 'agora serve: port of the (first) service API; unset: a free port' })),
  ADVERTISE_HOST: Type.Optional(Type.String({ minLength: 1, description: 'agora serve: host announced in discovery (a container: its pod IP or DNS name); unset: HOST' })),
  SERVICE_AUTH: Type.Union([Type.Literal('token'), Type.Literal('off')], { default: 'token', description: 'split: service ports answer only callers with a signed service token; off: behind a mesh doing mTLS' }),
  SERVICE_TOKEN_KEY: Type.Optional(Type.String({ minLength: 1, description: 'split: the Ed25519 private JWK signing service tokens; unset: made by the supervisor at start' })),
  ROUTE_WEIGHTS: Type.String({ default: '', description: 'canary routing at the gateway: orders=1.4.0:90,1.5.0:10;…' }),
  AGORA_MARIADB_SERVICES: Type.String({ pattern: '^[a-z,]*$', default: '', description: 'split: services whose database is on a local MariaDB instead of PostgreSQL (e.g. orders)' }),
  DB_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 200, default: 10, description: 'connections per service database (split topology)' }),
  DATA_DIR: Type.String({ default: 'data', description: 'folder of the embedded databases' }),
  AGORA_SEED: Type.Boolean({ default: true, description: 'load the development sample data' }),
  AGORA_VERIFY_IDEMPOTENCY: Type.Boolean({ default: false, description: 'deliver every event twice and make every retriable call twice' }),
  CALL_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 60_000, default: 2_000 }),
  CALL_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
  BREAKER_THRESHOLD: Type.Integer({ minimum: 1, maximum: 1_000, default: 5 }),
  BREAKER_HALF_OPEN_MS: Type.Integer({ minimum: 10, maximum: 600_000, default: 5_000 }),
  BULKHEAD_LIMIT: Type.Integer({ minimum: 1, maximum: 10_000, default: 64 }),
  BULKHEAD_QUEUE: Type.Integer({ minimum: 0, maximum: 100_000, default: 256 }),
  EVENT_MAX_DELIVER: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  EVENT_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: 16 }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
});

export type PlatformConfig = Static<typeof PlatformConfigSchema>;
