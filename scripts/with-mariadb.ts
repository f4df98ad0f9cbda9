// Runs a command with a local MariaDB server for it: `node scripts/with-mariadb.ts <command…>`.
// The server lives under data/test-mariadb (reused between runs); the command gets its address in
// AGORA_TEST_MYSQL_URL, so every test system in it puts each service on a database of its own there
// (only those in AGORA_TEST_MYSQL_SERVICES, comma-separated, when that is set: e.g. `orders`).
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startMariaDb } from '@agora/infra';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/with-mariadb.ts <command…>');
  process.exit(2);
}
const dataDir = resolve(import.meta.dirname, '../data/test-mariadb');
mkdirSync(dataDir, { recursive: true });
// MariaDB runs as its own user when this runs as root: it must reach the folder.
chmodSync(dataDir, 0o755);
const mariadb = await startMariaDb(dataDir);
const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, AGORA_TEST_MYSQL_URL: mariadb.url() } });
const code = await new Promise<number>((done) => child.once('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0))));
await mariadb.stop();
process.exit(code);
