import { Type, type Static } from '@agora/chassis';

export const GatewayConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  /** Sustained requests per second per user (or per IP when anonymous), and the burst above it. */
  RATE_LIMIT_PER_SECOND: Type.Number({ minimum: 0.1, maximum: 1_000_000, default: 50 }),
  RATE_LIMIT_BURST: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 100 }),
  /** Failed sign-ins allowed per account and per client address within the window before 429 (credential stuffing, guessing). */
  LOGIN_FAILURES_PER_ACCOUNT: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10 }),
  LOGIN_FAILURES_PER_ADDRESS: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 30 }),
  LOGIN_FAILURE_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 300 }),
  /** How long a completed Idempotency-Key is remembered (published in the OpenAPI document). */
  IDEMPOTENCY_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 604_800, default: 86_400 }),
  /** After this, an in-flight key whose request never finished (crash) may be taken over. */
  IDEMPOTENCY_LOCK_SECONDS: Type.Integer({ minimum: 1, maximum: 3_600, default: 30 }),
  /** The release this process runs, shown on the console's gateway node (and announced by `agora serve`). */
  SERVICE_VERSION: Type.String({ pattern: '^[A-Za-z0-9._-]+$', default: '0.1.0' }),
});

export type GatewayConfig = Static<typeof GatewayConfigSchema>;
