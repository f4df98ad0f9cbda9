import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { describeEventBusContract } from './bus-contract.ts';
import { SqliteEventBus } from './sqlite-bus.ts';

describe('SQLite event bus', () => {
  let folder: string;

  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'agora-sqlite-bus-'));
  });
  after(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  describeEventBusContract('meets the event bus contract', {
    // Every bus opened shares one stream file, as the processes of one deployment would.
    open: async ({ duplicateDeliveries }) => new SqliteEventBus({ path: join(folder, 'bus.db'), duplicateDeliveries }),
    // Message ids are unique in the stream: a re-published one is stored once.
    capabilities: { republishedIds: 'deduplicated' },
  });
});
