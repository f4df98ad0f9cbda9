import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from 'typebox';
import { defineApi } from '../contract/api.ts';
import { defineEvent } from '../contract/events.ts';
import { AppError } from '../contract/problems.ts';
import { reply } from '../http/routes.ts';
import { defineService, defineStorage } from '../service/define-service.ts';
import { eventually, startTestSystem, type TestSystem } from '../testing/index.ts';
import { consume } from './consumer.ts';

const pinged = defineEvent('probe', 'probe.pinged.v1', Type.Object({ n: Type.Integer() }), 'A test event.');
const retracted = defineEvent('probe', 'probe.retracted.v1', Type.Object({ n: Type.Integer() }), 'An event whose handler rolls back one transaction, then commits another.');
const stuck = defineEvent('probe', 'probe.stuck.v1', Type.Object({ n: Type.Integer() }), 'An event whose handler fails until it is fixed.');
const poisoned = defineEvent('probe', 'probe.poisoned.v1', Type.Object({ n: Type.Integer() }), 'An event its consumer always refuses.');

interface ProbeDb {
  effects: { event_id: string; n: number };
}

let failuresLeft = 0;
let stuckHandlerFixed = false;
let handlerRuns = 0;

const probe = defineService({
  name: 'probe',
  description: 'A service made for testing the chassis.',
  api: defineApi('probe', '1.0.0', {
    ping: { method: 'POST', path: '/internal/v1/ping', access: 'internal', summary: 'publish one event', body: Type.Object({ n: Type.Integer() }), response: { 200: Type.Object({ ok: Type.Boolean() }) } },
    effects: { method: 'GET', path: '/internal/v1/effects', access: 'internal', summary: 'effects applied', response: { 200: Type.Object({ items: Type.Array(Type.Integer()) }) } },
  }),
  publishes: [pinged, retracted, stuck, poisoned],
  dependsOn: [],
  config: Type.Object({}),
  storage: defineStorage<ProbeDb>({
    '001-effects': {
      async up({ db }) {
        await db.schema.createTable('effects').addColumn('event_id', 'text').addColumn('n', 'integer').execute();
      },
    },
  }),
  create: (ctx) => ({
    handlers: {
      ping: async ({ body }) => {
        await ctx.transaction(async (tx) => tx.publish(pinged, String(body.n), { n: body.n }));
        return reply.ok({ ok: true });
      },
      effects: async () => reply.ok({ items: (await ctx.db.selectFrom('effects').select('n').orderBy('n').execute()).map((row) => Number(row.n)) }),
    },
    consumers: [
      consume(pinged, 'count', async (event, c) => {
        handlerRuns++;
        if (failuresLeft > 0) {
          failuresLeft--;
          throw new Error('transient failure');
        }
        await c.transaction(async (tx) => {
          await tx.db.insertInto('effects').values({ event_id: event.id, n: event.data.n }).execute();
        });
      }),
      consume(retracted, 'second-try', async (event, c) => {
        await c
          .transaction(async () => {
            throw new Error('changed my mind');
          })
          .catch(() => undefined);
        await c.transaction(async (tx) => {
          await tx.db.insertInto('effects').values({ event_id: event.id, n: event.data.n }).execute();
        });
      }),
      consume(stuck, 'until-fixed', async (event, c) => {
        if (!stuckHandlerFixed) throw new Error('a bug, fixed in the next release');
        await c.transaction(async (tx) => {
          await tx.db.insertInto('effects').values({ event_id: event.id, n: event.data.n }).execute();
        });
      }),
      consume(poisoned, 'refuse', async () => {
        throw new AppError('refused', 422, 'Refused');
      }),
    ],
  }),
});

describe('outbox, relay, inbox and dead letters', () => {
  let shop: TestSystem;
  before(async () => {
    shop = await startTestSystem([probe], { verifyIdempotency: true });
  });
  after(() => shop.stop());

  it('relays a committed event and applies its effect once, though delivered twice', async () => {
    const response = await shop.request('probe', { method: 'POST', url: '/internal/v1/ping', body: { n: 1 } });
    assert.equal(response.status, 200);
    const effects = await eventually(async () => {
      const applied = await shop.request('probe', { method: 'GET', url: '/internal/v1/effects' });
      return applied.body.items.length > 0 ? applied.body.items : undefined;
    });
    // Verification mode delivers every event twice; give the second copy time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(effects, [1]);
    assert.deepEqual((await shop.request('probe', { method: 'GET', url: '/internal/v1/effects' })).body.items, [1]);
  });

  it('retries a failing handler and still applies the effect once', async () => {
    failuresLeft = 2;
    const before = handlerRuns;
    await shop.request('probe', { method: 'POST', url: '/internal/v1/ping', body: { n: 2 } });
    await eventually(async () => {
      const applied = await shop.request('probe', { method: 'GET', url: '/internal/v1/effects' });
      return applied.body.items.includes(2) ? true : undefined;
    }, 5_000, 'the effect after two failures');
    assert.ok(handlerRuns - before >= 3, 'two failed attempts, then one that succeeded');
    const applied = await shop.request('probe', { method: 'GET', url: '/internal/v1/effects' });
    assert.deepEqual(applied.body.items, [1, 2]);
  });

  it('keeps the inbox row of the transaction that committed, not of one that rolled back', async () => {
    // Delivered twice (verification mode): a lost inbox row would apply the effect twice.
    await shop.publish(retracted, 'r', { n: 7 });
    await eventually(async () => (await shop.request('probe', { method: 'GET', url: '/internal/v1/effects' })).body.items.includes(7) || undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const applied = await shop.request('probe', { method: 'GET', url: '/internal/v1/effects' });
    assert.equal(applied.body.items.filter((n: number) => n === 7).length, 1);
  });

  it('parks an event after the last delivery attempt, keeps consuming, and replays it once fixed', async () => {
    await shop.publish(stuck, 's', { n: 9 });
    const parked = await eventually(async () => {
      const response = await shop.request('probe', { method: 'GET', url: '/internal/v1/chassis/dead-letters' });
      return response.body.items.find((item: { consumer: string }) => item.consumer === 'probe.until-fixed');
    }, 10_000, 'the stuck event to be parked');
    assert.equal(parked.attempts, 3, 'bounded deliveries (maxDeliver)');
    stuckHandlerFixed = true;
    // The consumer moved past the parked event: the next one is handled while the first stays parked.
    await shop.publish(stuck, 's2', { n: 10 });
    await eventually(async () => (await shop.request('probe', { method: 'GET', url: '/internal/v1/effects' })).body.items.includes(10) || undefined);
    assert.ok(!(await shop.request('probe', { method: 'GET', url: '/internal/v1/effects' })).body.items.includes(9));
    const replay = await shop.request('probe', { method: 'POST', url: '/internal/v1/chassis/dead-letters/replay' });
    assert.equal(replay.body.replayed, 1);
    const applied = await shop.request('probe', { method: 'GET', url: '/internal/v1/effects' });
    assert.equal(applied.body.items.filter((n: number) => n === 9).length, 1);
    const again = await shop.request('probe', { method: 'POST', url: '/internal/v1/chassis/dead-letters/replay' });
    assert.equal(again.body.replayed, 0, 'a replayed letter is not replayed twice');
  });

  it('dead-letters a refused event at once and replays it on demand', async () => {
    await shop.publish(poisoned, 'x', { n: 3 });
    const letters = await eventually(async () => {
      const response = await shop.request('probe', { method: 'GET', url: '/internal/v1/chassis/dead-letters' });
      const refused = response.body.items.filter((item: { consumer: string }) => item.consumer === 'probe.refuse');
      return refused.length > 0 ? refused : undefined;
    });
    assert.equal(letters.length, 1, 'parked once, though delivered twice');
    assert.equal(letters[0].attempts, 1, 'a 4xx refusal is not retried');
    const replay = await shop.request('probe', { method: 'POST', url: '/internal/v1/chassis/dead-letters/replay' });
    assert.equal(replay.body.failed, 1, 'still refused: it stays parked');
  });
});
