import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Type } from 'typebox';
import { defineEvent } from '../contract/events.ts';
import { openServiceDatabase, type ServiceDatabase } from '../storage/database.ts';
import { serviceLogger } from '../telemetry/logger.ts';
import { appendToOutbox, envelopeFor } from './outbox.ts';
import { OutboxRelay } from './relay.ts';
import { SqliteEventBus } from './sqlite-bus.ts';

const noted = defineEvent('relay-probe', 'probe.noted.v1', Type.Object({ n: Type.Integer() }), 'A test event.');

describe('outbox relay', () => {
  let folder: string;
  let database: ServiceDatabase<any>;
  let bus: SqliteEventBus;

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'agora-relay-'));
    database = await openServiceDatabase({ service: 'relay-probe', dataDir: folder }, {});
    bus = new SqliteEventBus({ path: join(folder, 'bus.db') });
  });
  after(async () => {
    await bus.close();
    await database.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('hands rows still in the outbox to the bus when it stops', async () => {
    const relay = new OutboxRelay({ service: 'relay-probe', db: database.db, bus, logger: serviceLogger('relay-probe'), batchSize: 2, pollIntervalMs: 60_000 });
    const envelopes = [1, 2, 3, 4, 5].map((n) => envelopeFor('relay-probe', noted, String(n), { n }));
    await appendToOutbox(database.db, envelopes);
    await relay.stop();
    assert.deepEqual(bus.read([noted.type]).map((envelope) => envelope.data), [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }]);
    const left = await database.db.selectFrom('outbox').select('seq').where('published_at', 'is', null).execute();
    assert.equal(left.length, 0);
  });
});
