import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where a running split shop leaves its connection strings, in its data folder. */
function file(dataDir: string): string {
  return join(resolve(dataDir), 'connections.json');
}

/** Written by the supervisor once its servers run: NATS_URL, each `<SERVICE>_DATABASE_URL` and SERVICE_TOKEN_KEY (owner-only file). */
export function writeConnections(dataDir: string, connections: Record<string, string>): void {
  writeFileSync(file(dataDir), `${JSON.stringify(connections, null, 2)}\n`, { mode: 0o600 });
}

export function removeConnections(dataDir: string): void {
  rmSync(file(dataDir), { force: true });
}

/**
 * The running shop's connection strings, for `agora serve` started by hand without them, so one
 * command adds an instance: the environment still wins for anything it sets.
 */
export function readConnections(dataDir: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(file(dataDir), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}
