import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const IN_NAMESPACE = join(import.meta.dirname, 'in-namespace.ts');
const TABLE = 'agora_faults';

/**
 * A network namespace of its own for a split shop under test, so the nemesis can cut one service
 * off from the broker with nftables without touching anything else on the machine:
 *
 * - a veth pair joins it to this process: the shop listens on `shopAddress`, and the test (and
 *   its fault proxy) on `hostAddress`, both reachable from either side;
 * - the broker (NATS) listens on the namespace's loopback at `brokerPort`, and each service
 *   reaches it at an address of its own, `brokerAddressOf(service)`, which a DNAT rule leads to
 *   the broker; a partition drops every packet of the connections made to that address, both ways.
 */
export class Namespace {
  readonly name: string;
  readonly hostAddress: string;
  readonly shopAddress: string;
  readonly brokerPort: number;
  readonly #services: readonly string[];

  private constructor(name: string, subnet: string, services: readonly string[], brokerPort: number) {
    this.name = name;
    this.hostAddress = `${subnet}.1`;
    this.shopAddress = `${subnet}.2`;
    this.#services = services;
    this.brokerPort = brokerPort;
  }

  /** Needs root, `ip` and `nft` (scripts/install-servers.sh installs nftables). */
  static create(services: readonly string[], brokerPort: number): Namespace {
    const missing = ['ip', 'nft'].filter((program) => spawnSync('sh', ['-c', `command -v ${program}`]).status !== 0);
    if (process.getuid?.() !== 0 || missing.length > 0) {
      throw new Error(`the split fault run needs root, ip and nft for its network namespace (missing: ${missing.join(', ') || 'root'}); run scripts/install-servers.sh`);
    }
    // A subnet and names of this process's own, so two runs on one machine never meet.
    const id = process.pid;
    const name = `agora-faults-${id}`;
    const namespace = new Namespace(name, `10.${200 + ((id >> 6) % 50)}.${(id & 63) << 2}`, services, brokerPort);
    const host = `af${id}h`;
    const inside = `af${id}n`;
    const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    ip('netns', 'add', name);
    try {
      ip('-n', name, 'link', 'set', 'lo', 'up');
      ip('link', 'add', host, 'type', 'veth', 'peer', 'name', inside, 'netns', name);
      ip('addr', 'add', `${namespace.hostAddress}/30`, 'dev', host);
      ip('link', 'set', host, 'up');
      ip('-n', name, 'addr', 'add', `${namespace.shopAddress}/30`, 'dev', inside);
      ip('-n', name, 'link', 'set', inside, 'up');
      const routes = services.map((service) => `ip daddr ${namespace.brokerAddressOf(service)} tcp dport ${brokerPort} dnat to 127.0.0.1:${brokerPort};`);
      namespace.#nft(['-f', '-'], [
        `table ip ${TABLE} {`,
        `  chain broker_routes { type nat hook output priority -100; ${routes.join(' ')} }`,
        '  chain partition { type filter hook output priority 0; }',
        '}',
      ].join('\n'));
    } catch (error) {
      spawnSync('ip', ['netns', 'del', name]);
      throw error;
    }
    return namespace;
  }

  /** Where `service` reaches the broker: a loopback address of its own. */
  brokerAddressOf(service: string): string {
    const index = this.#services.indexOf(service);
    if (index < 0) throw new Error(`no broker route for ${service}`);
    return `127.0.0.${20 + index}`;
  }

  /** A command run inside the namespace. */
  command(program: string, args: string[]): [string, string[]] {
    return ['ip', ['netns', 'exec', this.name, program, ...args]];
  }

  /** Cuts `service` off from the broker, both ways: its packets and the broker's answers are dropped. */
  partition(service: string): void {
    this.#nft(['add', 'rule', 'ip', TABLE, 'partition', 'ct', 'original', 'ip', 'daddr', this.brokerAddressOf(service), 'drop']);
  }

  heal(): void {
    this.#nft(['flush', 'chain', 'ip', TABLE, 'partition']);
  }

  /** The rules in force, as nft lists them. */
  rules(): string {
    return execFileSync('ip', ['netns', 'exec', this.name, 'nft', 'list', 'table', 'ip', TABLE], { encoding: 'utf8' });
  }

  /** Starts a server of the shop's data folder inside the namespace (see in-namespace.ts); resolves with its pid. */
  async startServer(server: 'nats' | 'postgres', dataDir: string, port: number): Promise<number> {
    const [program, args] = this.command(process.execPath, [IN_NAMESPACE, `start-${server}`, dataDir, String(port)]);
    const { stdout } = await run(program, args, { timeout: 60_000 });
    return (JSON.parse(stdout.trim().split('\n').at(-1)!) as { pid: number }).pid;
  }

  async stopServers(dataDir: string): Promise<void> {
    const [program, args] = this.command(process.execPath, [IN_NAMESPACE, 'stop-servers', dataDir]);
    await run(program, args, { timeout: 60_000 });
  }

  /** Kills what still runs inside (all of it started by this test) and removes the namespace and its link. */
  close(): void {
    const pids = spawnSync('ip', ['netns', 'pids', this.name], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    spawnSync('ip', ['netns', 'del', this.name]);
  }

  #nft(args: string[], input?: string): void {
    execFileSync('ip', ['netns', 'exec', this.name, 'nft', ...args], { input, stdio: ['pipe', 'ignore', 'pipe'] });
  }
}
