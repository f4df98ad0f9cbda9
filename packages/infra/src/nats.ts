import { join } from 'node:path';
import { freePort } from './ports.ts';
import { findProgram, launch, liveServer, reused, type ServerHandle } from './server-process.ts';

export interface LocalNats extends ServerHandle {
  url: string;
}

/** NATS with JetStream, storing streams under `<dataDir>/nats`; an earlier run's live server is reused. */
export async function startNats(dataDir: string, options: { port?: number } = {}): Promise<LocalNats> {
  const folder = join(dataDir, 'nats');
  const running = await liveServer(folder);
  if (running) return { ...reused(running, folder), url: `nats://127.0.0.1:${running.port}` };
  const program = findProgram('nats-server', 'nats-server', ['/usr/bin/nats-server', '/usr/sbin/nats-server']);
  const port = options.port ?? (await freePort());
  const server = await launch({ name: 'nats-server', folder, port, command: [program, ['-js', '-sd', join(folder, 'jetstream'), '-a', '127.0.0.1', '-p', String(port)]] });
  return { ...server, url: `nats://127.0.0.1:${port}` };
}
