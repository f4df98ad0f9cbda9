import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';
import { findProgram, launch, liveServer, reused, runAs, type ServerHandle } from './server-process.ts';

/** Constant, so a restart on another port finds the same data: RabbitMQ keeps it under a folder named after the node. */
const NODENAME = 'agora@localhost';

export interface LocalRabbitMq extends ServerHandle {
  /** amqp://guest:guest@127.0.0.1:<port> (RabbitMQ lets `guest` in from loopback only). */
  url: string;
}

/** The ports besides AMQP's: Erlang distribution and the node's own epmd, so nothing clashes with a system RabbitMQ. */
interface NodePorts {
  distPort: number;
  epmdPort: number;
}

/**
 * RabbitMQ under `<dataDir>/rabbitmq` (queues, logs, the Erlang cookie), listening on loopback on free
 * ports; an earlier run's live server is reused. Run as root, it runs as the `rabbitmq` user, which must
 * own its folder. Boots in about 10 s.
 */
export async function startRabbitMq(dataDir: string, options: { port?: number } = {}): Promise<LocalRabbitMq> {
  const folder = join(dataDir, 'rabbitmq');
  const running = await liveServer(folder);
  if (running) return withNode({ ...reused(running, folder), url: urlOf(running.port) }, readPorts(folder));

  // The packaged /usr/sbin/rabbitmq-server wrapper switches to /var/lib/rabbitmq and its logs: use the script behind it.
  const program = findProgram('rabbitmq-server', 'rabbitmq-server', ['/usr/lib/rabbitmq/bin/rabbitmq-server']);
  const epmd = findProgram('epmd', 'rabbitmq-server', ['/usr/bin/epmd']);
  mkdirSync(join(folder, 'log'), { recursive: true });
  const port = options.port ?? (await freePort());
  const ports: NodePorts = { distPort: await freePort(), epmdPort: await freePort() };
  writeFileSync(join(folder, 'node.json'), JSON.stringify(ports));
  writeFileSync(join(folder, 'rabbitmq.conf'), `# Written by @agora/infra on every start.\nlisteners.tcp.default = 127.0.0.1:${port}\nloopback_users.guest = true\n`);
  writeFileSync(join(folder, 'enabled_plugins'), '[].\n');
  const environment = {
    // Erlang writes its cookie to $HOME: the folder, not root's home.
    HOME: folder,
    RABBITMQ_NODENAME: NODENAME,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(ports.distPort),
    ERL_EPMD_PORT: String(ports.epmdPort),
    ERL_EPMD_ADDRESS: '127.0.0.1',
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    RABBITMQ_MNESIA_BASE: join(folder, 'mnesia'),
    RABBITMQ_LOG_BASE: join(folder, 'log'),
    RABBITMQ_CONFIG_FILE: join(folder, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(folder, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(folder, 'enabled_plugins'),
    // Not /etc/rabbitmq/rabbitmq-env.conf: nothing of the system's broker applies to this one.
    RABBITMQ_CONF_ENV_FILE: join(folder, 'rabbitmq-env.conf'),
    RABBITMQ_PID_FILE: join(folder, 'rabbitmq.pid'),
  };
  const as = runAs('rabbitmq', folder);
  // `env` execs the server in its place, so the recorded pid is still the server's.
  const command = as.command('env', [...Object.entries(environment).map(([name, value]) => `${name}=${value}`), program]);
  try {
    const server = await launch({ name: 'rabbitmq-server', folder, port, command, readyTimeoutMs: 60_000 });
    return withNode({ ...server, url: urlOf(port) }, ports);
  } catch (error) {
    killEpmd(epmd, ports.epmdPort);
    throw error;
  }
}

function urlOf(port: number): string {
  return `amqp://guest:guest@127.0.0.1:${port}`;
}

function readPorts(folder: string): NodePorts | undefined {
  const file = join(folder, 'node.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as NodePorts) : undefined;
}

/** The node starts its own epmd, a daemon that outlives it: stopping the server stops that epmd too. */
function withNode(server: LocalRabbitMq, ports: NodePorts | undefined): LocalRabbitMq {
  const stop = server.stop;
  return {
    ...server,
    stop: async () => {
      await stop();
      if (ports) killEpmd(findProgram('epmd', 'rabbitmq-server', ['/usr/bin/epmd']), ports.epmdPort);
    },
  };
}

/** Refused while a node is still registered with it, so this never takes epmd from under a live node. */
function killEpmd(epmd: string, port: number): void {
  spawnSync(epmd, ['-port', String(port), '-kill'], { stdio: 'ignore', timeout: 5_000 });
}
