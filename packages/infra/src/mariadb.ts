import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports.ts';
import { findProgram, launch, liveServer, reused, runAs, type ServerHandle } from './server-process.ts';

const PACKAGE = 'mariadb-server';

export interface LocalMariaDb extends ServerHandle {
  /** Connection string of one database on this server (none: the server, for a client that picks its own). */
  url(database?: string): string;
  /** Creates the database unless it exists: utf8mb4 with a binary collation, so ids compare case-sensitively. */
  ensureDatabase(database: string): Promise<void>;
}

/**
 * MariaDB under `<dataDir>/mariadb` (initialised on first use; `root` without a password, reachable
 * on loopback only), on a free port; an earlier run's live server is reused. Run as root, it runs
 * as the `mysql` user, which owns its folder. Nothing of the system's /etc/mysql applies to it.
 */
export async function startMariaDb(dataDir: string, options: { port?: number } = {}): Promise<LocalMariaDb> {
  const folder = join(dataDir, 'mariadb');
  const running = await liveServer(folder);
  if (running) {
    await acceptingConnections(running.port);
    return { ...reused(running, folder), ...helpers(running.port) };
  }

  const server = findProgram('mariadbd', PACKAGE, ['/usr/sbin/mariadbd', '/usr/sbin/mysqld']);
  const installDb = findProgram('mariadb-install-db', PACKAGE, ['/usr/bin/mariadb-install-db', '/usr/bin/mysql_install_db']);
  const data = join(folder, 'data');
  // A MariaDB server deletes every `#sql*` file in its tmpdir when it starts: sharing /tmp with
  // another server (another test's, or a bootstrap in progress) loses temporary tables.
  const tmp = join(folder, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const as = runAs('mysql', folder);
  if (!existsSync(join(data, 'mysql'))) {
    const [program, args] = as.command(installDb, ['--no-defaults', `--datadir=${data}`, `--tmpdir=${tmp}`, '--auth-root-authentication-method=normal', '--skip-test-db']);
    const install = spawnSync(program, args, { encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`);
  }
  const port = options.port ?? (await freePort());
  const settings = [
    '--no-defaults',
    `--datadir=${data}`,
    `--tmpdir=${tmp}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${join(folder, 'mariadb.sock')}`,
    `--pid-file=${join(folder, 'mariadbd.pid')}`,
    // root@127.0.0.1 exists: no reverse lookups of clients.
    '--skip-name-resolve',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_bin',
    '--max-connections=500',
    // Every commit reaches the disk before it is acknowledged, as PostgreSQL's fsync=on.
    '--innodb-flush-log-at-trx-commit=1',
  ];
  const started = await launch({ name: 'mariadbd', folder, port, command: as.command(server, settings) });
  await acceptingConnections(port);
  return { ...started, ...helpers(port) };
}

function helpers(port: number): Pick<LocalMariaDb, 'url' | 'ensureDatabase'> {
  return {
    url: (database = '') => `mysql://root@127.0.0.1:${port}/${database}`,
    ensureDatabase: async (database) => {
      const name = database.replaceAll('`', '');
      await query(port, `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    },
  };
}

/** Runs SQL with the server's own command-line client: the launcher needs no driver. */
function query(port: number, statement: string): Promise<void> {
  const client = findProgram('mariadb', PACKAGE, ['/usr/bin/mariadb', '/usr/bin/mysql']);
  return new Promise((resolve, reject) => {
    const child = spawn(client, ['--no-defaults', '--protocol=TCP', '--host=127.0.0.1', `--port=${port}`, '--user=root', '--batch', `--execute=${statement}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(stderr.trim() || `mariadb exited with ${code}`))));
  });
}

/** Listening is not ready: the server may still be recovering; wait until a query succeeds. */
async function acceptingConnections(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await query(port, 'SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`MariaDB did not accept connections in ${timeoutMs / 1000} s: ${(error as Error).message}`);
      await sleep(100);
    }
  }
}
