import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { startNats, type LocalNats } from '@agora/infra';
import { eventually } from '../testing/index.ts';
import { rootLogger } from '../telemetry/logger.ts';
import { followBucket, type BucketFollower } from './follow-bucket.ts';

describe('following a KV bucket', () => {
  let dataDir: string;
  let nats: LocalNats;
  let writer: NatsConnection;
  let reader: NatsConnection;

  before(async () => {
    process.env.LOG_LEVEL ??= 'silent';
    dataDir = mkdtempSync(join(tmpdir(), 'agora-follow-'));
    nats = await startNats(dataDir);
    writer = await connect({ servers: nats.url });
    reader = await connect({ servers: nats.url });
  });
  after(async () => {
    await reader.close();
    await writer.close();
    await nats.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reads every key before it resolves, while the keys change and the reader is slow to set up a consumer', async () => {
    const kv = await new Kvm(writer).create('busy', { history: 1 });
    // Instances beating, faster than in life, so a key surely changes during the reader's set-up.
    const beats = ['a', 'b', 'c'].map((name) => setInterval(() => void kv.put(`svc.${name}`, String(Date.now())).catch(() => undefined), 50));
    await kv.delete('svc.gone').catch(() => undefined);
    await sleep(300);
    // A loaded process: each JetStream consumer request of the reader is answered a second late.
    const request = reader.request.bind(reader);
    reader.request = (async (...args: Parameters<typeof request>) => {
      const reply = await request(...args);
      if (args[0].startsWith('$JS.API.CONSUMER.')) await sleep(1_000);
      return reply;
    }) as typeof reader.request;
    const seen = new Set<string>();
    try {
      let outcome: { follower?: BucketFollower; error?: unknown } = {};
      followBucket(await new Kvm(reader).open('busy'), await jetstreamManager(reader), (entry) => seen.add(entry.key), rootLogger(), 'test').then(
        (follower) => (outcome = { follower }),
        (error: unknown) => (outcome = { error }),
      );
      const follower = await eventually(() => {
        if (outcome.error) throw outcome.error;
        return outcome.follower;
      }, 10_000, 'the first read of the bucket to end');
      assert.deepEqual([...seen].sort(), ['svc.a', 'svc.b', 'svc.c'], 'every live key, and not the deleted one');
      await follower.stop();
    } finally {
      for (const beat of beats) clearInterval(beat);
      reader.request = request;
    }
  });
});
