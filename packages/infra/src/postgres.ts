import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports.ts';
import { findProgram, launch, liveServer, reused, runAs, type ServerHandle } from './server-process.ts';

const BIN = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

export interface LocalPostgres extends ServerHandle {
  /** Connection string of one database on this server. */
  url(database: string): string;
  /** Creates the database unless it exists. */
  ensureDatabase(database: string): Promise<void>;
}

function program(name: string): string {
  return findProgram(name, 'postgresql', BIN.map((folder) => join(folder, name)));
}

/**
 * PostgreSQL under `<dataDir>/postgres` (initialised on first use, trust auth on loopback only), on a
 * free port. Run as root, it runs as the `postgres` user, since PostgreSQL refuses root.
 */
export async function startPostgres(dataDir: string, options: { port?: number } = {}): Promise<LocalPostgres> {
  const folder = join(dataDir, 'postgres');
  const cluster = join(folder, 'cluster');
  const user = 'postgres';
  const helpers = (port: number) => ({
    url: (database: string) => `postgres://${user}@127.0.0.1:${port}/${database}`,
    ensureDatabase: async (database: string) => {
      const client = new pg.Client({ connectionString: `postgres://${user}@127.0.0.1:${port}/postgres` });
      await client.connect();
      try {
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '')}"`);
      } finally {
        await client.end();
      }
    },
  });
  const running = await liveServer(folder);
  if (running) {
    await acceptingConnections(`postgres://${user}@127.0.0.1:${running.port}/postgres`);
    return { ...reused(running, folder), ...helpers(running.port) };
  }

  mkdirSync(folder, { recursive: true });
  const as = runAs(user, folder);
  if (!existsSync(join(cluster, 'PG_VERSION'))) {
    const [initdb, args] = as.command(program('initdb'), ['-D', cluster, '-U', user, '--auth=trust', '--encoding=UTF8', '--no-instructions']);
    const init = spawnSync(initdb, args, { encoding: 'utf8' });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = options.port ?? (await freePort());
  const settings = ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${folder}`, '-c', 'max_connections=200', '-c', 'fsync=on', ...SERIALIZABLE_SETTINGS];
  const server = await launch({ name: 'postgres', folder, port, command: as.command(program('postgres'), ['-D', cluster, '-p', String(port), ...settings]) });
  await acceptingConnections(`postgres://${user}@127.0.0.1:${port}/postgres`);
  return { ...server, ...helpers(port) };
}

/**
 * Agora runs every transaction SERIALIZABLE. PostgreSQL tracks what each one read with predicate
 * locks and coarsens them (tuple → page → whole relation) past these limits; coarse locks report
 * conflicts that never happened, so the defaults (64, 2) turn a burst of checkouts into retries.
 */
const SERIALIZABLE_SETTINGS = ['-c', 'max_pred_locks_per_transaction=1024', '-c', 'max_pred_locks_per_page=16'];

/** Listening is not ready: while it replays its WAL the server answers 57P03 ("starting up"). */
async function acceptingConnections(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections in ${timeoutMs / 1000} s: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
