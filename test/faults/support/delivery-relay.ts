import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { StackAddress } from './delivery-stack.ts';

export interface RelayInstructions {
  address: StackAddress;
  topic: string;
  databaseUrl: string | undefined;
  /** The one event the process commits, then relays. */
  subject: string;
  n: number;
}

/** Runs delivery-relay-process.ts to its end: how it ended, and what it said on stderr. */
export function relayUntilKilled(instructions: RelayInstructions, timeoutMs = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'delivery-relay-process.ts')], {
    env: { ...process.env, DELIVERY_RELAY: JSON.stringify(instructions) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the relay process did not end in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stderr });
    });
  });
}
