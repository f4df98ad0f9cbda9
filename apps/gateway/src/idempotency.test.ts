import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AppError, openServiceDatabase, type ServiceDatabase } from '@agora/chassis';
import { IdempotencyStore, gatewayMigrations, readKey, type GatewayDb } from './idempotency.ts';

const answer = { status: 202, headers: { location: '/api/v1/orders/o-1' }, body: '{"id":"o-1","status":"PENDING"}' };
const statusOf = (error: unknown) => (error instanceof AppError ? error.status : 0);

describe('Idempotency-Key store', () => {
  let dataDir: string;
  let database: ServiceDatabase<GatewayDb>;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'agora-idem-'));
    database = await openServiceDatabase<GatewayDb>({ service: 'gateway', dataDir }, gatewayMigrations);
  });
  after(async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('claims a new key, answers 409 while in flight, then replays the stored answer', async () => {
    const store = new IdempotencyStore(database.db, 60, 30);
    assert.deepEqual(await store.claim('u-1', 'k-1', 'h'), { kind: 'proceed' });
    await assert.rejects(store.claim('u-1', 'k-1', 'h'), (error) => statusOf(error) === 409);
    await store.complete('u-1', 'k-1', answer);
    assert.deepEqual(await store.claim('u-1', 'k-1', 'h'), { kind: 'replay', response: answer });
  });

  it('answers 422 for the same key with another request', async () => {
    const store = new IdempotencyStore(database.db, 60, 30);
    await store.claim('u-1', 'k-2', 'h');
    await assert.rejects(store.claim('u-1', 'k-2', 'other'), (error) => statusOf(error) === 422);
  });

  it('scopes keys per user', async () => {
    const store = new IdempotencyStore(database.db, 60, 30);
    await store.claim('u-1', 'k-3', 'h');
    assert.deepEqual(await store.claim('u-2', 'k-3', 'h'), { kind: 'proceed' });
  });

  it('frees a key whose attempt failed, and forgets keys after their retention', async () => {
    const store = new IdempotencyStore(database.db, 60, 30);
    await store.claim('u-1', 'k-4', 'h');
    await store.release('u-1', 'k-4');
    assert.deepEqual(await store.claim('u-1', 'k-4', 'h'), { kind: 'proceed' });
    const expiring = new IdempotencyStore(database.db, 0, 30);
    await expiring.claim('u-1', 'k-5', 'h');
    await expiring.complete('u-1', 'k-5', answer);
    assert.deepEqual(await expiring.claim('u-1', 'k-5', 'different body, but the old key expired'), { kind: 'proceed' });
  });

  it('lets a request take over a key whose first attempt died mid-flight', async () => {
    const store = new IdempotencyStore(database.db, 60, 0);
    await store.claim('u-1', 'k-6', 'h');
    assert.deepEqual(await store.claim('u-1', 'k-6', 'h'), { kind: 'proceed' });
  });

  it('reads the header: required, at most 255 characters', () => {
    assert.equal(readKey('abc'), 'abc');
    assert.throws(() => readKey(undefined), (error) => statusOf(error) === 400);
    assert.throws(() => readKey('k'.repeat(256)), (error) => statusOf(error) === 400);
  });
});
