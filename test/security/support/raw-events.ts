import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { ShopProcess } from '../../support/shop-process.ts';

/**
 * Puts a message on the running shop's event bus as someone who does not follow the contracts
 * would: any text on the subject of an event type. Embedded, a row in the bus's SQLite stream
 * (bus.db, where the relay writes); split, a JetStream message on `events.<type>`.
 */
export async function publishRaw(shop: ShopProcess, type: string, text: string): Promise<void> {
  let natsUrl: string | undefined;
  try {
    natsUrl = (JSON.parse(readFileSync(join(shop.dataDir, 'connections.json'), 'utf8')) as Record<string, string>).NATS_URL;
  } catch {
    // Embedded: no servers, no connection strings.
  }
  if (!natsUrl) {
    const db = new DatabaseSync(join(shop.dataDir, 'bus.db'));
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      db.prepare('INSERT INTO messages (id, type, envelope, stored_at) VALUES (?, ?, ?, ?)').run(randomUUID(), type, text, new Date().toISOString());
    } finally {
      db.close();
    }
    return;
  }
  const { connect } = await import('@nats-io/transport-node');
  const { jetstream } = await import('@nats-io/jetstream');
  const nc = await connect({ servers: natsUrl.split(','), name: 'agora-security-test' });
  try {
    await jetstream(nc).publish(`events.${type}`, text, { msgID: randomUUID() });
  } finally {
    await nc.close();
  }
}
