import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDirectory, ServiceRuntime, SqliteEventBus, defaultResilience, type EventBus, type EventEnvelope, type ServiceDefinition } from '@agora/chassis';
import { NatsEventBus } from '@agora/chassis/split';
import { startNats, startPostgres } from '@agora/infra';

/**
 * JetStream remembers a message id this long (2 min in production). Short here, so that a relay
 * started again after it re-publishes a copy that reaches the consumers, as it does in production
 * after a relay that was down longer than the window: the inbox is what must hold then.
 */
export const DUPLICATE_WINDOW_MS = 1_000;

/** Where one topology's servers or files are; a child process gets it in DELIVERY_STACK. */
export interface StackAddress {
  kind: 'split' | 'embedded';
  dataDir: string;
  natsUrl?: string;
}

export interface ReadableBus extends EventBus {
  /** Stored events of these types, oldest first: what the bus holds, copies included. */
  read(types: string[]): EventEnvelope[] | Promise<EventEnvelope[]>;
}

export interface DeliveryStack {
  name: string;
  address: StackAddress;
  /** What a re-published event id becomes: stored once by the bus, or delivered again for the inbox to drop. */
  republished: 'stored-once' | 'delivered-again';
  /** The service's own database: a PostgreSQL URL, or undefined for its SQLite file in the data folder. */
  databaseUrl(service: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

/** A connection of its own to the stack's bus, as each process has. */
export async function connectBus(address: StackAddress, options: { ackWaitMs?: number } = {}): Promise<ReadableBus> {
  if (address.kind === 'embedded') return new SqliteEventBus({ path: join(address.dataDir, 'bus.db') });
  // An ackWaitMs left undefined keeps the bus's default.
  return NatsEventBus.connect({ url: address.natsUrl!, duplicateWindowMs: DUPLICATE_WINDOW_MS, ...(options.ackWaitMs ? { ackWaitMs: options.ackWaitMs } : {}) });
}

function dataFolder(): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-delivery-'));
  // PostgreSQL runs as its own user and must reach the folder.
  chmodSync(dataDir, 0o755);
  return dataDir;
}

/** The split topology's servers: PostgreSQL (a database per service) and NATS JetStream. */
export async function splitStack(): Promise<DeliveryStack> {
  const dataDir = dataFolder();
  const [postgres, nats] = await Promise.all([startPostgres(dataDir), startNats(dataDir)]);
  return {
    name: 'PostgreSQL + NATS JetStream',
    address: { kind: 'split', dataDir, natsUrl: nats.url },
    republished: 'delivered-again',
    async databaseUrl(service) {
      const database = `delivery_${service.replaceAll('-', '_')}`;
      await postgres.ensureDatabase(database);
      return postgres.url(database);
    },
    async stop() {
      await Promise.all([nats.stop(), postgres.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The embedded topology's storage: a SQLite file per service and the SQLite stream as the bus. */
export async function embeddedStack(): Promise<DeliveryStack> {
  const dataDir = dataFolder();
  return {
    name: 'SQLite + the embedded SQLite stream',
    address: { kind: 'embedded', dataDir },
    // Message ids are unique in the stream file: a re-published id is stored once, however late.
    republished: 'stored-once',
    databaseUrl: async () => undefined,
    async stop() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface HostOptions {
  dataDir: string;
  databaseUrl: string | undefined;
  bus: EventBus;
  /** Deliveries before an event is dead-lettered (EVENT_MAX_DELIVER). */
  maxDeliver?: number;
  concurrency?: number;
}

/** One service's runtime as a topology creates it (not started: `start()` runs relay and consumers). */
export function host(definition: ServiceDefinition, options: HostOptions): Promise<ServiceRuntime> {
  return ServiceRuntime.create(definition, {
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl,
    bus: options.bus,
    directory: new LocalDirectory(),
    resilience: defaultResilience,
    extraRetry: false,
    maxDeliver: options.maxDeliver ?? 3,
    consumerConcurrency: options.concurrency ?? 1,
    seed: false,
    env: {},
  });
}
