import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { freePort } from '@agora/infra';
import { FaultProxy } from './support/fault-proxy.ts';

/** A tiny upstream: counts what it handled, answers `POST /charge` with 200 after committing. */
function upstreamServer(): { server: Server; charges: number[] } {
  const charges: number[] = [];
  const server = createServer((request, response) => {
    if (request.url === '/charge') charges.push(Date.now());
    response.setHeader('content-type', 'text/plain');
    response.end(`handled ${request.method} ${request.url}`);
  });
  return { server, charges };
}

describe('fault proxy', () => {
  const upstream = upstreamServer();
  const proxy = new FaultProxy();
  let url: string;
  before(async () => {
    await new Promise<void>((done) => upstream.server.listen(0, '127.0.0.1', done));
    const port = await freePort();
    await proxy.route('payments', { host: '127.0.0.1', port }, { host: '127.0.0.1', port: (upstream.server.address() as AddressInfo).port });
    url = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await proxy.close();
    upstream.server.closeAllConnections();
    await new Promise((done) => upstream.server.close(done));
  });

  // A fresh connection per request, so each one meets the fault as a new caller would.
  const ask = (path: string, options: RequestInit = {}) => fetch(url + path, { ...options, headers: { connection: 'close' }, signal: AbortSignal.timeout(3_000) });

  it('forwards both ways unchanged when no fault is on', async () => {
    assert.equal(await (await ask('/hello')).text(), 'handled GET /hello');
  });

  it('delays each direction of a connection by the drawn latency', async () => {
    proxy.toxic('payments', { kind: 'latency', minMs: 300, maxMs: 300 });
    const started = Date.now();
    assert.equal((await ask('/slow')).status, 200);
    // Request and answer each held 300 ms.
    assert.ok(Date.now() - started >= 600, `took ${Date.now() - started} ms`);
    proxy.toxic('payments', undefined);
    const fast = Date.now();
    await ask('/fast');
    assert.ok(Date.now() - fast < 300);
  });

  it('answers with a connection reset while `reset` is on, and forwards again after', async () => {
    proxy.toxic('payments', { kind: 'reset' });
    await assert.rejects(ask('/x'), (error: Error) => (error.cause as { code?: string }).code === 'ECONNRESET');
    proxy.toxic('payments', undefined);
    assert.equal((await ask('/y')).status, 200);
  });

  it('lets nothing through and closes nothing while `blackhole` is on', async () => {
    proxy.toxic('payments', { kind: 'blackhole' });
    const before = upstream.charges.length;
    await assert.rejects(fetch(`${url}/charge`, { method: 'POST', signal: AbortSignal.timeout(500) }), { name: 'TimeoutError' });
    assert.equal(upstream.charges.length, before, 'the request never reached the upstream');
    proxy.toxic('payments', undefined);
  });

  it('a trap withholds the answer of a committed request, runs its action, then resets the caller', async () => {
    let actionRan = false;
    const caught = proxy.trap('payments', /^POST \/charge /, async () => {
      actionRan = true;
    });
    const before = upstream.charges.length;
    await assert.rejects(ask('/charge', { method: 'POST' }), (error: Error) => (error.cause as { code?: string }).code === 'ECONNRESET');
    const hit = await caught;
    assert.equal(upstream.charges.length, before + 1, 'the upstream handled the request');
    assert.ok(actionRan);
    assert.match(hit.response, /^HTTP\/1\.1 200/, 'the withheld answer was the success');
    // One-shot: the next identical request goes through.
    assert.equal((await ask('/charge', { method: 'POST' })).status, 200);
  });
});
