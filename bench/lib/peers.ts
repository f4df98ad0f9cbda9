// Starting a peer's process (bench/peers/): on the servers' CPU, told the keys and where its next
// hop is, ready when it prints `{"ready": …}`.
import { join } from 'node:path';
import type { BenchContext } from './context.ts';
import { launch, placement, waitForLine, type Launched } from './processes.ts';

export const PEERS = join(import.meta.dirname, '..', 'peers');

export interface Peer {
  /** What the peer announced: its URL, or its name when it has no port of its own. */
  ready: string;
  launched: Launched;
}

export async function startPeer(context: BenchContext, name: string, file: string, env: Record<string, string> = {}): Promise<Peer> {
  const launched = launch(name, process.execPath, [file], {
    cpus: placement?.servers,
    logFile: join(context.runDir, `${name.replaceAll(/[^a-z0-9-]/gi, '-')}.log`),
    env: { ...process.env, BENCH_JWKS: context.keys.jwks, ...env },
  });
  try {
    const ready = await waitForLine(launched, (line) => (line.startsWith('{"ready"') ? (JSON.parse(line) as { ready: string }).ready : undefined), 60_000);
    return { ready, launched };
  } catch (error) {
    await launched.stop();
    throw error;
  }
}
