import { join } from 'node:path';
import { freePort } from './ports.ts';
import { findProgram, launch, liveServer, reused, type ServerHandle } from './server-process.ts';

export interface LocalRedis extends ServerHandle {
  url: string;
}

/** Redis for shared gateway state (rate limits, read cache), append-only file under `<dataDir>/redis`. */
export async function startRedis(dataDir: string, options: { port?: number } = {}): Promise<LocalRedis> {
  const folder = join(dataDir, 'redis');
  const running = await liveServer(folder);
  if (running) return { ...reused(running, folder), url: `redis://127.0.0.1:${running.port}` };
  const program = findProgram('redis-server', 'redis-server', ['/usr/bin/redis-server']);
  const port = options.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', folder, '--appendonly', 'yes', '--save', '', '--daemonize', 'no'];
  const server = await launch({ name: 'redis-server', folder, port, command: [program, args] });
  return { ...server, url: `redis://127.0.0.1:${port}` };
}
