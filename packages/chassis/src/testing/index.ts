import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventDefinition, EventData, EventEnvelope } from '../contract/events.ts';
import { envelopeFor } from '../events/outbox.ts';
import type { HttpMethod } from '../contract/api.ts';
import { defaultResilience } from '../resilience/policies.ts';
import type { Principal } from '../service/context.ts';
import type { ServiceDefinition } from '../service/define-service.ts';
import { startEmbedded, type EmbeddedSystem } from '../service/embedded.ts';
import { installTracing } from '../telemetry/tracing.ts';
import { createTestDatabases, testDatabaseServersFromEnv } from './test-databases.ts';

export interface TestRequest {
  method: HttpMethod;
  url: string;
  body?: unknown;
  principal?: Principal;
  headers?: Record<string, string>;
}

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export interface TestSystem {
  system: EmbeddedSystem;
  dataDir: string;
  /** A request straight to one service (no gateway), in-process. */
  request(service: string, request: TestRequest): Promise<TestResponse>;
  /** Puts an event on the bus as if its producer had published it. */
  publish<E extends EventDefinition>(event: E, subject: string, data: EventData<E>): Promise<EventEnvelope>;
  /** Events on the bus of the given types. */
  events(...types: string[]): EventEnvelope[];
  stop(): Promise<void>;
}

export interface TestSystemOptions {
  seed?: boolean;
  env?: NodeJS.ProcessEnv;
  verifyIdempotency?: boolean;
  /**
   * A PostgreSQL server (`postgres://user@host:port/postgres`) on which each service gets a fresh
   * database of its own for this test system. Default: AGORA_TEST_POSTGRES_URL; unset, SQLite files.
   */
  postgresUrl?: string;
  /**
   * A MySQL/MariaDB server (`mysql://user@host:port/`) for the same, taking precedence over PostgreSQL
   * for the services in `mysqlServices` (default: all). Defaults: AGORA_TEST_MYSQL_URL and
   * AGORA_TEST_MYSQL_SERVICES (comma-separated), so one run can put e.g. only orders on MariaDB.
   */
  mysqlUrl?: string;
  mysqlServices?: string[];
}

/** Starts some services in-process on throwaway SQLite files: the embedded topology, made small for a test. */
export async function startTestSystem(definitions: ServiceDefinition[], options: TestSystemOptions = {}): Promise<TestSystem> {
  process.env.LOG_LEVEL ??= 'silent';
  await installTracing();
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-test-'));
  const fromEnv = testDatabaseServersFromEnv(process.env);
  const databases = await createTestDatabases(
    definitions.map((definition) => definition.name),
    {
      postgresUrl: options.postgresUrl ?? fromEnv.postgresUrl,
      mysqlUrl: options.mysqlUrl ?? fromEnv.mysqlUrl,
      mysqlServices: options.mysqlServices ?? fromEnv.mysqlServices,
    },
  );
  const system = await startEmbedded(definitions, {
    dataDir,
    databaseUrls: databases?.urls,
    resilience: { ...defaultResilience, timeoutMs: 1_000, breakerHalfOpenAfterMs: 500 },
    verifyIdempotency: options.verifyIdempotency ?? ['1', 'true'].includes(process.env.AGORA_VERIFY_IDEMPOTENCY ?? ''),
    maxDeliver: 3,
    consumerConcurrency: 8,
    seed: options.seed ?? true,
    env: { ...process.env, ...options.env },
  });
  return {
    system,
    dataDir,
    async request(service, request) {
      const headers: Record<string, string> = { ...request.headers };
      if (request.principal) headers['x-agora-principal'] = JSON.stringify(request.principal);
      const response = await system.directory.transport(service).request({ method: request.method, url: request.url, headers, body: request.body });
      const type = String(response.headers['content-type'] ?? '');
      return { status: response.status, headers: response.headers, body: type.includes('json') && response.body ? JSON.parse(response.body) : response.body };
    },
    async publish(event, subject, data) {
      const envelope = envelopeFor(event.producer, event, subject, data);
      await system.bus.publish([envelope]);
      return envelope;
    },
    events: (...types) => system.bus.read(types),
    async stop() {
      await system.stop();
      await databases?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5_000, what = 'condition'): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    } catch (error) {
      last = error;
    }
    await sleep(20);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
