import { globSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@agora/infra';
import { launchShop, serveInstance, type ServiceInstance, type ShopProcess } from '../../support/shop-process.ts';
import { FaultProxy } from './fault-proxy.ts';
import { Namespace } from './namespace.ts';

/** Services of the split topology, each in a process of its own (the gateway runs in the supervisor). */
export const SERVICES = ['identity', 'catalog', 'orders', 'inventory', 'payments', 'shipping'] as const;
export type Service = (typeof SERVICES)[number];

/** NATS inside the namespace: every port there is free, and this one is outside the ephemeral range. */
const BROKER_PORT = 4222;

/** One address a caller reaches a service instance on (through the proxy) and the instance's own. */
export interface InstancePorts {
  service: Service;
  port: number;
  /** Started by the test, not the supervisor (the second inventory instance): the test restarts it. */
  ownedByTest: boolean;
}

/**
 * A split shop wired for network faults: it runs in a network namespace of its own (partitions
 * from the broker with nftables), every service process listens on a fixed port and announces the
 * test's side of the link, where a fault proxy forwards to it (latency, resets, withheld answers),
 * and each service process runs under libfaketime with a clock file of its own (clock skew).
 */
export class SplitShop {
  readonly namespace: Namespace;
  readonly proxy = new FaultProxy();
  readonly instances: InstancePorts[];
  shop!: ShopProcess;
  /** The second inventory instance, when the run has one. */
  secondInventory: ServiceInstance | undefined;
  readonly #dataDir: string;

  private constructor(namespace: Namespace, instances: InstancePorts[], dataDir: string) {
    this.namespace = namespace;
    this.instances = instances;
    this.#dataDir = dataDir;
  }

  /** Starts NATS in the namespace, then `agora start` there with the per-service environment. */
  static async start(env: Record<string, string>): Promise<SplitShop> {
    const namespace = Namespace.create(SERVICES, BROKER_PORT);
    const dataDir = mkdtempSync(join(tmpdir(), 'agora-faults-'));
    const instances: InstancePorts[] = [];
    for (const service of SERVICES) instances.push({ service, port: await freePort(), ownedByTest: false });
    const split = new SplitShop(namespace, instances, dataDir);
    try {
      mkdirSync(join(dataDir, 'clocks'), { recursive: true });
      for (const service of SERVICES) split.setClock(service, 0);
      await namespace.startServer('nats', dataDir, BROKER_PORT);
      for (const { service, port } of instances) await split.#route(service, port);
      const perService = Object.fromEntries(
        instances.flatMap(({ service, port }) => Object.entries({ ...split.#processEnv(service), SERVICE_PORT: String(port) }).map(([name, value]) => [`AGORA_SERVICE_ENV_${service.toUpperCase()}__${name}`, value])),
      );
      split.shop = await launchShop(
        { AGORA_TOPOLOGY: 'split', HOST: namespace.shopAddress, ADVERTISE_HOST: namespace.hostAddress, NATS_URL: `nats://127.0.0.1:${BROKER_PORT}`, ...perService, ...env },
        dataDir,
        (program, args) => namespace.command(program, args),
      );
    } catch (error) {
      await split.stop();
      throw error;
    }
    return split;
  }

  get url(): string {
    return this.shop.url;
  }

  get dataDir(): string {
    return this.#dataDir;
  }

  /** Where the test reads an instance's /readyz and /metrics: straight, not through the proxy. */
  directUrl(port: number): string {
    return `http://${this.namespace.shopAddress}:${port}`;
  }

  /** Each service's instances, straight (for readiness). */
  readinessTargets(): Record<string, string[]> {
    const targets: Record<string, string[]> = {};
    for (const { service, port } of this.instances) (targets[service] ??= []).push(this.directUrl(port));
    return targets;
  }

  /** Steps a service's clock by `offsetS` seconds from true time (0: true time again) within a second. */
  setClock(service: Service, offsetS: number): void {
    writeFileSync(this.#clockFile(service), `${offsetS >= 0 ? '+' : ''}${offsetS}s\n`);
  }

  /** A second inventory instance, started by the test in the namespace (the supervisor runs the first). */
  async startSecondInventory(port?: number): Promise<void> {
    const own = this.instances.find((instance) => instance.ownedByTest);
    const instancePort = port ?? own?.port ?? (await freePort());
    if (!own) {
      this.instances.push({ service: 'inventory', port: instancePort, ownedByTest: true });
      await this.#route('inventory', instancePort);
    }
    this.secondInventory = await serveInstance(
      this.shop,
      'inventory',
      { ...this.#processEnv('inventory'), HOST: this.namespace.shopAddress, ADVERTISE_HOST: this.namespace.hostAddress, SERVICE_PORT: String(instancePort) },
      (program, args) => this.namespace.command(program, args),
    );
  }

  async stop(): Promise<void> {
    await this.proxy.close();
    await this.secondInventory?.kill('SIGTERM').catch(() => undefined);
    await this.shop?.kill('SIGTERM');
    // NATS was started by the test, and a server restarted by the nemesis is only known to its folder.
    await this.namespace.stopServers(this.#dataDir).catch(() => undefined);
    await this.shop?.stop();
    this.namespace.close();
  }

  async #route(service: Service, port: number): Promise<void> {
    await this.proxy.route(service, { host: this.namespace.hostAddress, port }, { host: this.namespace.shopAddress, port });
  }

  #clockFile(service: Service): string {
    return join(this.#dataDir, 'clocks', service);
  }

  /** The broker at an address the nemesis can cut, and the clock shifter reading this service's file. */
  #processEnv(service: Service): Record<string, string> {
    const faketime = globSync('/usr/lib/*/faketime/libfaketime.so.1')[0];
    if (!faketime) throw new Error('libfaketime is not installed (scripts/install-servers.sh installs it)');
    return {
      NATS_URL: `nats://${this.namespace.brokerAddressOf(service)}:${BROKER_PORT}`,
      LD_PRELOAD: faketime,
      FAKETIME_TIMESTAMP_FILE: this.#clockFile(service),
      // Re-read each second, so a step takes effect while the process runs; timers keep true time.
      FAKETIME_CACHE_DURATION: '1',
      FAKETIME_DONT_FAKE_MONOTONIC: '1',
    };
  }
}
