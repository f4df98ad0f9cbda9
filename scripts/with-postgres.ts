// Runs a command with a local PostgreSQL server for it: `node scripts/with-postgres.ts <command…>`.
// The server lives under data/test-postgres (reused between runs); the command gets its address in
// AGORA_TEST_POSTGRES_URL, so every test system in it puts each service on a database of its own.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startPostgres } from '@agora/infra';

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: node scripts/with-postgres.ts <command…>');
  process.exit(2);
}
const dataDir = resolve(import.meta.dirname, '../data/test-postgres');
mkdirSync(dataDir, { recursive: true });
chmodSync(dataDir, 0o755);
const postgres = await startPostgres(dataDir);
const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, AGORA_TEST_POSTGRES_URL: postgres.url('postgres') } });
const code = await new Promise<number>((done) => child.once('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0))));
await postgres.stop();
process.exit(code);
