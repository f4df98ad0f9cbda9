// Shared by scripts/with-postgres.ts and scripts/with-mariadb.ts: start a local server under
// data/<folder> (reused between runs), run the command with its address in the environment, stop it,
// and exit with the command's code.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { basename, resolve } from 'node:path';

export async function runWithServer(script: string, folder: string, start: (dataDir: string) => Promise<{ env: Record<string, string>; stop(): Promise<void> }>): Promise<never> {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error(`usage: node scripts/${basename(script)} <command…>`);
    process.exit(2);
  }
  const dataDir = resolve(import.meta.dirname, '../data', folder);
  mkdirSync(dataDir, { recursive: true });
  // The server runs as its own user when this runs as root: it must reach the folder.
  chmodSync(dataDir, 0o755);
  const server = await start(dataDir);
  const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, ...server.env } });
  const code = await new Promise<number>((done) => child.once('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0))));
  await server.stop();
  process.exit(code);
}
