import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Type } from 'typebox';
import { Caller } from '../calls/client.ts';
import { defineApi } from '../contract/api.ts';
import { defineEvent } from '../contract/events.ts';
import { AppError } from '../contract/problems.ts';
import { consume } from '../events/consumer.ts';
import { reply } from '../http/routes.ts';
import { defaultResilience } from '../resilience/policies.ts';
import { eventually, startTestSystem, type TestSystem } from '../testing/index.ts';
import { defineService, defineStorage } from './define-service.ts';

const noted = defineEvent('ledger', 'ledger.noted.v1', Type.Object({ n: Type.Integer() }), 'A test event.');

interface LedgerDb {
  notes: { n: number };
}

const ledgerApi = defineApi('ledger', '1.0.0', {
  note: { method: 'POST', path: '/internal/v1/note', access: 'internal', summary: 'publish one event', body: Type.Object({ n: Type.Integer() }), response: { 200: Type.Object({ ok: Type.Boolean() }) } },
  notes: { method: 'GET', path: '/internal/v1/notes', access: 'internal', summary: 'events consumed', response: { 200: Type.Object({ items: Type.Array(Type.Integer()) }) } },
});

/** Publishes through its outbox and consumes its own events: both halves of the bus in one service. */
const ledger = defineService({
  name: 'ledger',
  description: 'A service made for testing suspend and resume.',
  api: ledgerApi,
  publishes: [noted],
  dependsOn: [],
  config: Type.Object({}),
  storage: defineStorage<LedgerDb>({
    '001-notes': {
      async up({ db }) {
        await db.schema.createTable('notes').addColumn('n', 'integer').execute();
      },
    },
  }),
  create: (ctx) => ({
    handlers: {
      note: async ({ body }) => {
        await ctx.transaction(async (tx) => tx.publish(noted, String(body.n), { n: body.n }));
        return reply.ok({ ok: true });
      },
      notes: async () => reply.ok({ items: (await ctx.db.selectFrom('notes').select('n').orderBy('n').execute()).map((row) => Number(row.n)) }),
    },
    consumers: [
      consume(noted, 'record', async (event, c) => {
        await c.transaction(async (tx) => {
          await tx.db.insertInto('notes').values({ n: event.data.n }).execute();
        });
      }),
    ],
  }),
});

describe('suspending a service of the embedded topology', () => {
  let shop: TestSystem;
  before(async () => {
    shop = await startTestSystem([ledger], { verifyIdempotency: false });
  });
  after(() => shop.stop());

  const runtime = () => shop.system.runtimes.find((candidate) => candidate.name === 'ledger')!;
  const notes = async () => (await runtime().app.inject({ method: 'GET', url: '/internal/v1/notes' })).json().items as number[];

  it('fails calls as a stopped process does, pauses relay and consumers, and resumes them with nothing lost', async () => {
    await shop.request('ledger', { method: 'POST', url: '/internal/v1/note', body: { n: 1 } });
    await eventually(async () => (await notes()).includes(1), 5_000, 'the first event consumed');

    assert.equal(await shop.system.suspend('ledger'), true);
    assert.equal(await shop.system.suspend('ledger'), false, 'already suspended');
    assert.deepEqual(shop.system.suspended(), ['ledger']);
    assert.equal((await runtime().readiness()).accepting, 'down');

    // Callers find no live instance, as the split topology's directory answers for a stopped process:
    // a failure their retries, breaker and fallback handle, never a business answer.
    const caller = new Caller({ caller: 'test', directory: shop.system.directory, resilience: { ...defaultResilience, timeoutMs: 200, maxAttempts: 2 }, extraRetry: false });
    const direct = await shop.system.directory.transport('ledger').request({ method: 'GET', url: '/internal/v1/notes', headers: {} }).catch((error: unknown) => error);
    assert.ok(direct instanceof AppError && direct.status === 503 && !direct.terminal);
    await assert.rejects(caller.call(ledgerApi, 'notes', {}), (error) => error instanceof AppError && error.status === 502 && /no live instance of ledger/.test(error.message));
    assert.equal(await caller.call(ledgerApi, 'notes', {}, { fallback: () => ({ items: [-1] }) }).then((answer) => answer.items[0]), -1, 'the fallback is served');
    assert.deepEqual(shop.system.directory.instances('ledger'), [], 'no instance to ask');

    // A commit while suspended stays in the outbox; an event already on the bus waits for the consumer.
    await runtime().app.inject({ method: 'POST', url: '/internal/v1/note', payload: { n: 2 } });
    await shop.publish(noted, '3', { n: 3 });
    await sleep(700);
    assert.equal(shop.events(noted.type).some((event) => (event.data as { n: number }).n === 2), false, 'the relay is paused');
    assert.deepEqual(await notes(), [1], 'the consumer is paused (and the database is still open)');

    assert.equal(await shop.system.resume('ledger'), true);
    assert.equal(await shop.system.resume('ledger'), false, 'already running');
    assert.deepEqual(shop.system.suspended(), []);
    await eventually(async () => (await notes()).length === 3, 5_000, 'the waiting events consumed');
    assert.deepEqual(await notes(), [1, 2, 3]);
    assert.equal((await runtime().readiness()).accepting, 'up');
    assert.deepEqual((await caller.call(ledgerApi, 'notes', {})).items, [1, 2, 3], 'reachable again');
  });
});
