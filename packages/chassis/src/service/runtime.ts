import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Caller, type ServiceDirectory } from '../calls/client.ts';
import { chassisApi } from '../contract/chassis-api.ts';
import type { InstanceIdentity } from '../contract/self-report.ts';
import type { EventEnvelope } from '../contract/events.ts';
import type { ServiceTokens } from '../auth/service-tokens.ts';
import { loadConfig } from '../config/env.ts';
import type { EventBus, SubscriptionHandle } from '../events/bus.ts';
import { checkContract, runOnce, subscriptionFor, type ConsumerDefinition } from '../events/consumer.ts';
import { listDeadLetters, markReplayed, pendingDeadLetters } from '../events/dead-letters.ts';
import { appendToOutbox, envelopeFor } from '../events/outbox.ts';
import { OutboxRelay } from '../events/relay.ts';
import { DirectRoutes } from '../http/direct-routes.ts';
import { installFaultHook, noFaults, type Faults } from '../http/faults.ts';
import { registerRoutes, type Handlers } from '../http/routes.ts';
import { createServiceApp, DEFAULT_BODY_LIMIT_BYTES } from '../http/service-app.ts';
import type { ResilienceOptions } from '../resilience/policies.ts';
import { openServiceDatabase, type ServiceDatabase } from '../storage/database.ts';
import { serviceLogger, type Logger } from '../telemetry/logger.ts';
import { flowCounters } from '../telemetry/flow-counters.ts';
import { deadLetters, registry } from '../telemetry/metrics.ts';
import { recentSpans } from '../telemetry/tracing.ts';
import type { ServiceContext, Tx } from './context.ts';
import type { TransactionOptions } from '../storage/database.ts';
import type { ServiceDefinition, ServiceParts, Worker } from './define-service.ts';
import { contractReport, insightHandlers } from './insight-handlers.ts';

export interface RuntimeOptions {
  dataDir: string;
  /** The service's own database server (`postgres://…`, `mysql://…`); without one, SQLite in dataDir. */
  databaseUrl?: string;
  /** Connections per database pool, per process. */
  poolSize?: number;
  bus: EventBus;
  directory: ServiceDirectory;
  resilience: ResilienceOptions;
  /** Verification mode: every retriable call is made twice. */
  extraRetry: boolean;
  maxDeliver: number;
  consumerConcurrency: number;
  seed: boolean;
  /** The release this instance runs, reported to operators; unset: `unversioned`. */
  version?: string;
  /** Split topology: the port answers only callers with a service token (unset: in-process, or SERVICE_AUTH=off). */
  serviceTokens?: ServiceTokens;
  env?: NodeJS.ProcessEnv;
  /** Told when a start-up step is done (split topology: logged, and reported to the supervisor). */
  onStartupStep?: (step: string) => void;
}

/** What every topology decides for the services it hosts, the same for each of them. */
export interface HostingOptions {
  dataDir: string;
  /** Services given a database URL here use it instead of their SQLite file. */
  databaseUrls?: Record<string, string | undefined>;
  poolSize?: number;
  resilience: ResilienceOptions;
  /** Verification mode: every event delivered twice, every retriable call made twice. */
  verifyIdempotency: boolean;
  maxDeliver: number;
  consumerConcurrency: number;
  seed: boolean;
  /** The release the hosted instances run (announced in discovery in the split topology). */
  version?: string;
  /** Split topology: sign calls to, and require tokens from, other processes (unset: SERVICE_AUTH=off). */
  serviceTokens?: ServiceTokens;
  env?: NodeJS.ProcessEnv;
}

/** One service's runtime options in a topology: its own database, the topology's bus and directory. */
export function runtimeOptionsFor(service: string, hosting: HostingOptions, bus: EventBus, directory: ServiceDirectory): RuntimeOptions {
  return {
    dataDir: hosting.dataDir,
    databaseUrl: hosting.databaseUrls?.[service],
    poolSize: hosting.poolSize,
    bus,
    directory,
    resilience: hosting.resilience,
    extraRetry: hosting.verifyIdempotency,
    maxDeliver: hosting.maxDeliver,
    consumerConcurrency: hosting.consumerConcurrency,
    seed: hosting.seed,
    version: hosting.version,
    serviceTokens: hosting.serviceTokens,
    env: hosting.env,
  };
}

/** One running service: its database, HTTP app, outbox relay, consumers and workers. */
export class ServiceRuntime {
  readonly name: string;
  readonly app: FastifyInstance;
  /** The same routes, callable in-process without HTTP (the embedded topology's calls between services). */
  readonly routes: DirectRoutes;
  readonly definition: ServiceDefinition;
  readonly logger: Logger;
  readonly #database: ServiceDatabase<unknown>;
  readonly #relay: OutboxRelay;
  readonly #caller: Caller;
  readonly #consumers: ConsumerDefinition[];
  readonly #workers: Worker[];
  readonly #context: ServiceContext<any, any>;
  readonly #options: RuntimeOptions;
  #subscriptions: SubscriptionHandle[] = [];
  #faults: Faults = noFaults;
  readonly #identity: InstanceIdentity;
  #stopping = false;
  #suspended = false;

  private constructor(init: {
    definition: ServiceDefinition;
    app: FastifyInstance;
    routes: DirectRoutes;
    logger: Logger;
    database: ServiceDatabase<unknown>;
    relay: OutboxRelay;
    caller: Caller;
    parts: ServiceParts<any>;
    context: ServiceContext<any, any>;
    options: RuntimeOptions;
  }) {
    this.name = init.definition.name;
    this.definition = init.definition;
    this.app = init.app;
    this.routes = init.routes;
    this.logger = init.logger;
    this.#database = init.database;
    this.#relay = init.relay;
    this.#caller = init.caller;
    this.#consumers = init.parts.consumers ?? [];
    this.#workers = init.parts.workers ?? [];
    this.#context = init.context;
    this.#options = init.options;
    this.#identity = { id: randomUUID().slice(0, 8), pid: process.pid, version: init.options.version ?? 'unversioned' };
  }

  static async create(definition: ServiceDefinition, options: RuntimeOptions): Promise<ServiceRuntime> {
    const logger = serviceLogger(definition.name);
    const config = loadConfig(definition.config, options.env);
    const database = await openServiceDatabase<unknown>(
      { service: definition.name, dataDir: options.dataDir, databaseUrl: options.databaseUrl, poolSize: options.poolSize, logger, moreSetup: true },
      definition.storage.migrations,
    );
    options.onStartupStep?.('migrations done');
    const db = database.db as Kysely<any>;
    const relay = new OutboxRelay({ service: definition.name, db, bus: options.bus, logger });
    const caller = new Caller({ caller: definition.name, directory: options.directory, resilience: options.resilience, extraRetry: options.extraRetry });
    const context: ServiceContext<any, any> = {
      service: definition.name,
      db,
      config,
      logger,
      transaction: async <T>(work: (tx: Tx<any>) => Promise<T>, transactionOptions?: TransactionOptions): Promise<T> => {
        let outgoing: EventEnvelope[] = [];
        const result = await database.transaction(async (trx) => {
          // A re-run transaction (serialization failure) starts with no events of the failed attempt.
          outgoing = [];
          const value = await work({ db: trx, publish: (event, subject, data) => outgoing.push(envelopeFor(definition.name, event, subject, data)) });
          await appendToOutbox(trx, outgoing);
          return value;
        }, transactionOptions);
        if (outgoing.length > 0) relay.wake();
        return result;
      },
      call: (api, operation, input, callOptions) => caller.call(api, operation, input, callOptions),
    };
    const parts = definition.create(context);
    let runtime: ServiceRuntime | undefined;
    const app = await createServiceApp({
      service: definition.name,
      description: definition.description,
      contracts: [definition.api],
      events: { publishes: definition.publishes, consumes: (parts.consumers ?? []).flatMap((consumer) => consumer.events) },
      logger,
      readiness: () => runtime!.readiness(),
      serviceTokens: options.serviceTokens,
    });
    installFaultHook(app, () => runtime!.#faults);
    const routes = new DirectRoutes({ service: definition.name, logger, faults: () => runtime!.#faults, bodyLimitBytes: DEFAULT_BODY_LIMIT_BYTES });
    registerRoutes(app, definition.name, definition.api, parts.handlers as Handlers<typeof definition.api>, routes);
    runtime = new ServiceRuntime({ definition, app, routes, logger, database, relay, caller, parts, context, options });
    registerRoutes(app, definition.name, chassisApi, runtime.#chassisHandlers(), routes);
    await app.ready();
    if (options.seed && parts.seed) await parts.seed();
    // Before any request or event: every commit from here on is on disk before it returns (see NodeSqliteDialect).
    await database.setupDone();
    return runtime;
  }

  /** Starts moving events: relay, consumers, workers. Separate from create so every service is wired first. */
  start(): void {
    this.#relay.start();
    this.#subscriptions = this.#consumers.map((consumer) =>
      this.#options.bus.subscribe(
        subscriptionFor(consumer, {
          service: this.name,
          context: this.#context,
          logger: this.logger,
          maxDeliver: this.#options.maxDeliver,
          concurrency: this.#options.consumerConcurrency,
        }),
      ),
    );
    for (const worker of this.#workers) worker.start();
  }

  get consumedEvents(): string[] {
    return [...new Set(this.#consumers.flatMap((consumer) => consumer.events.map((event) => event.type)))];
  }

  /** Where other processes reach this instance (split topology), once it listens; reported to operators. */
  advertise(url: string): void {
    this.#identity.url = url;
  }

  breakerStates(): Record<string, string> {
    return this.#caller.breakerStates();
  }

  async #ready(): Promise<boolean> {
    return Object.values(await this.readiness()).every((state) => state === 'up');
  }

  async readiness(): Promise<Record<string, 'up' | 'down'>> {
    const probe = async (check: () => Promise<void>) => check().then(() => 'up' as const, () => 'down' as const);
    return {
      accepting: this.#stopping || this.#suspended ? 'down' : 'up',
      database: await probe(() => this.#database.ping()),
      bus: await probe(() => this.#options.bus.ping()),
    };
  }

  /** Graceful stop: refuse new work, let consumers and workers finish, flush the outbox, close the database. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#pause();
    await this.app.close();
    await this.#database.close();
  }

  /** Suspended by an operator (`suspend()`): not ready, moving no events. */
  get suspended(): boolean {
    return this.#suspended;
  }

  /**
   * What a stopped process does, with the database and the HTTP app kept open: consumers and
   * workers finish what they hold and stop (new events wait on the bus), the relay hands over what
   * was committed and stops (later commits wait in the outbox), readiness says down. Making calls
   * to it fail is the topology's part (its directory). `resume()` undoes it.
   */
  async suspend(): Promise<void> {
    if (this.#suspended || this.#stopping) return;
    this.#suspended = true;
    await this.#pause();
  }

  /** Moves events again: waiting deliveries arrive, the outbox drains. */
  resume(): void {
    if (!this.#suspended || this.#stopping) return;
    this.#suspended = false;
    this.start();
  }

  async #pause(): Promise<void> {
    const subscriptions = this.#subscriptions;
    this.#subscriptions = [];
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    await Promise.all(this.#workers.map((worker) => worker.stop()));
    await this.#relay.stop();
  }

  async replayDeadLetters(): Promise<{ replayed: number; failed: number }> {
    const db = this.#context.db as Kysely<any>;
    let replayed = 0;
    let failed = 0;
    for (const letter of await pendingDeadLetters(db)) {
      const consumer = this.#consumers.find((candidate) => `${this.name}.${candidate.name}` === letter.consumer);
      try {
        if (!consumer) throw new Error(`no consumer ${letter.consumer}`);
        checkContract(consumer, letter.envelope);
        await runOnce(consumer, this.#context, letter.consumer, letter.envelope);
        await markReplayed(db, letter.seq);
        replayed++;
      } catch (error) {
        failed++;
        this.logger.warn({ err: error, consumer: letter.consumer, eventId: letter.envelope.id }, 'dead letter replay failed');
      }
    }
    deadLetters.set({ service: this.name }, failed);
    return { replayed, failed };
  }

  #chassisHandlers(): Handlers<typeof chassisApi> {
    const db = this.#context.db as Kysely<any>;
    return {
      status: async () => ({
        status: 200,
        body: {
          service: this.name,
          ready: await this.#ready(),
          faults: this.#faults,
          breakers: this.breakerStates(),
          consumers: this.consumedEvents,
        },
      }),
      describe: async () => ({
        status: 200,
        body: {
          service: this.name,
          description: this.definition.description,
          instance: { ...this.#identity, ready: await this.#ready() },
          database: { engine: this.#database.dialect },
          bus: { engine: this.#options.bus.engine },
          calls: this.definition.dependsOn.map((api) => ({ service: api.service, version: api.version })),
          publishes: this.definition.publishes.map((event) => event.type),
          consumes: this.consumedEvents,
          ...contractReport(this.definition),
        },
      }),
      flow: async () => ({
        status: 200,
        body: { service: this.name, instance: this.#identity, ...(await flowCounters(this.name)), breakers: this.breakerStates() },
      }),
      setFaults: async ({ body }) => {
        this.#faults = body;
        this.logger.warn({ faults: body }, 'faults changed');
        return { status: 200, body };
      },
      traceSpans: async ({ params }) => ({ status: 200, body: { spans: recentSpans(params.traceId) } }),
      metrics: async () => ({ status: 200, body: { metrics: await registry.getMetricsAsJSON() } }),
      listDeadLetters: async () => {
        const items = await listDeadLetters(db);
        deadLetters.set({ service: this.name }, items.filter((item) => !item.replayedAt).length);
        return { status: 200, body: { items } };
      },
      replayDeadLetters: async () => ({ status: 200, body: await this.replayDeadLetters() }),
      ...insightHandlers(this.name, db),
    };
  }
}
