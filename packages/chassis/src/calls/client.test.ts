import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { Type } from 'typebox';
import { defineApi } from '../contract/api.ts';
import { AppError } from '../contract/problems.ts';
import { LocalDirectory } from '../service/embedded.ts';
import { Caller } from './client.ts';
import type { Transport, TransportRequest, TransportResponse } from './transport.ts';

const api = defineApi('stock', '1.0.0', {
  read: { method: 'GET', path: '/things/:id', access: 'internal', summary: 'a read', params: Type.Object({ id: Type.String() }), response: { 200: Type.Object({ id: Type.String() }) } },
  write: { method: 'POST', path: '/things', access: 'internal', summary: 'a write', body: Type.Object({}), response: { 200: Type.Object({ id: Type.String() }) }, retriable: false },
});

/** A downstream whose behaviour each test scripts; it counts what reached it. */
class ScriptedTransport implements Transport {
  calls = 0;
  readonly answer: (call: number, request: TransportRequest) => Promise<TransportResponse>;
  constructor(answer: (call: number, request: TransportRequest) => Promise<TransportResponse>) {
    this.answer = answer;
  }
  request(request: TransportRequest): Promise<TransportResponse> {
    this.calls++;
    return this.answer(this.calls, request);
  }
}

const ok = (id = 'x'): TransportResponse => ({ status: 200, headers: {}, body: JSON.stringify({ id }) });
const failure: TransportResponse = { status: 503, headers: {}, body: JSON.stringify({ type: 'https://agora.dev/problems/unavailable', title: 'down', status: 503 }) };

function callerFor(transport: Transport, overrides: Partial<ConstructorParameters<typeof Caller>[0]['resilience']> = {}, extraRetry = false) {
  const directory = new LocalDirectory();
  directory.add('stock', transport);
  return new Caller({
    caller: 'test',
    directory,
    extraRetry,
    resilience: { timeoutMs: 200, maxAttempts: 3, breakerThreshold: 3, breakerHalfOpenAfterMs: 100, bulkheadLimit: 2, bulkheadQueue: 0, ...overrides },
  });
}

describe('calls between services', () => {
  it('retries an idempotent call that fails, and never retries one marked non-retriable', async () => {
    const flaky = new ScriptedTransport(async (call) => (call === 1 ? failure : ok()));
    assert.deepEqual(await callerFor(flaky).call(api, 'read', { params: { id: 'x' } }), { id: 'x' });
    assert.equal(flaky.calls, 2, 'fails on first attempt, succeeds on retry');

    const flakyWrite = new ScriptedTransport(async (call) => (call === 1 ? failure : ok()));
    await assert.rejects(callerFor(flakyWrite).call(api, 'write', { body: {} }));
    assert.equal(flakyWrite.calls, 1);
  });

  it('does not retry a 4xx: it is an answer, not a failure', async () => {
    const refusing = new ScriptedTransport(async () => ({ status: 404, headers: {}, body: JSON.stringify({ type: 'https://agora.dev/problems/not-found', title: 'Not found', status: 404 }) }));
    await assert.rejects(callerFor(refusing).call(api, 'read', { params: { id: 'x' } }), (error) => error instanceof AppError && error.status === 404);
    assert.equal(refusing.calls, 1);
  });

  it('gives up on a slow downstream at the deadline', async () => {
    const slow = new ScriptedTransport(async () => {
      await sleep(1_000);
      return ok();
    });
    const started = performance.now();
    await assert.rejects(callerFor(slow, { maxAttempts: 1 }).call(api, 'read', { params: { id: 'x' } }), (error) => error instanceof AppError && error.status === 504);
    assert.ok(performance.now() - started < 600);
  });

  it('opens the breaker after consecutive failures, fails fast while open, and closes after a good trial call', async () => {
    let healthy = false;
    const downstream = new ScriptedTransport(async () => (healthy ? ok() : failure));
    const caller = callerFor(downstream, { maxAttempts: 1 });
    for (let i = 0; i < 3; i++) await assert.rejects(caller.call(api, 'read', { params: { id: 'x' } }));
    assert.equal(caller.breakerStates().stock, 'open');
    const reached = downstream.calls;
    await assert.rejects(caller.call(api, 'read', { params: { id: 'x' } }), (error) => error instanceof AppError && error.status === 503);
    assert.equal(downstream.calls, reached, 'an open breaker does not call the downstream');
    assert.deepEqual(await caller.call(api, 'read', { params: { id: 'x' } }, { fallback: () => ({ id: 'cached' }) }), { id: 'cached' });
    healthy = true;
    await sleep(150);
    assert.deepEqual(await caller.call(api, 'read', { params: { id: 'x' } }), { id: 'x' });
    assert.equal(caller.breakerStates().stock, 'closed');
  });

  it('limits concurrent calls to one downstream (bulkhead)', async () => {
    const slow = new ScriptedTransport(async () => {
      await sleep(100);
      return ok();
    });
    const caller = callerFor(slow);
    const results = await Promise.allSettled([1, 2, 3, 4].map(() => caller.call(api, 'read', { params: { id: 'x' } })));
    assert.equal(results.filter((result) => result.status === 'fulfilled').length, 2);
    assert.equal(slow.calls, 2, 'calls over the limit are refused without reaching the downstream');
  });

  it('makes every retriable call twice in verification mode, and non-retriable ones once', async () => {
    const counting = new ScriptedTransport(async () => ok());
    const caller = callerFor(counting, {}, true);
    await caller.call(api, 'read', { params: { id: 'x' } });
    assert.equal(counting.calls, 2);
    await caller.call(api, 'write', { body: {} });
    assert.equal(counting.calls, 3);
  });
});
