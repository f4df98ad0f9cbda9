import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';

const AGORA = join(import.meta.dirname, 'agora.ts');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// A "broker" that accepts connections and never says a word: a service connecting to it stays in
// its start-up until the client's own connect timeout (far longer than this test waits).
let silent: Server;
let port = 0;
before(async () => {
  silent = createServer(() => {});
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  port = (silent.address() as { port: number }).port;
});
after(() => {
  silent.close();
});

it('a service process whose parent dies while it is still starting exits instead of living on', async () => {
  // The parent starts `agora serve catalog` and prints its pid; then the parent is killed outright.
  const env = { ...process.env, NATS_URL: `nats://127.0.0.1:${port}`, DATABASE_URL: 'postgres://agora@127.0.0.1:1/agora', SERVICE_AUTH: 'off' };
  const script = `const c = require('node:child_process').spawn(process.execPath, [${JSON.stringify(AGORA)}, 'serve', 'catalog'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['-e', script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const child = await new Promise<number>((resolve, reject) => {
    parent.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
    parent.once('exit', () => reject(new Error('the parent exited first')));
  });
  try {
    await sleep(1_500);
    assert.ok(alive(child), 'still starting: the broker never answers');
    parent.kill('SIGKILL');
    const deadline = Date.now() + 5_000;
    while (alive(child) && Date.now() < deadline) await sleep(100);
    assert.equal(alive(child), false, 'the orphaned service exited within 5 s');
  } finally {
    parent.kill('SIGKILL');
    if (alive(child)) process.kill(child, 'SIGKILL');
  }
});
