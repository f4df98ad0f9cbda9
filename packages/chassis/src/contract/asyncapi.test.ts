import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from 'typebox';
import { asyncApiFor } from './asyncapi.ts';
import { defineEvent } from './events.ts';

const placed = defineEvent('shop', 'cart.placed.v1', Type.Object({ cartId: Type.String(), total: Type.Integer() }), 'A cart was placed.');
const packed = defineEvent('warehouse', 'cart.packed.v1', Type.Object({ cartId: Type.String() }), 'A cart was packed.');

describe('AsyncAPI from event definitions', () => {
  const document = asyncApiFor({ title: 'Probe', version: '1.0.0' }, [placed, packed], [
    { service: 'shop', publishes: [placed.type], consumes: [packed.type] },
    { service: 'warehouse', publishes: [packed.type], consumes: [placed.type, 'unknown.event.v1'] },
  ]);

  it('is an AsyncAPI 3.0.0 document with a channel and a message per event', () => {
    assert.equal(document.asyncapi, '3.0.0');
    assert.deepEqual(document.info, { title: 'Probe', version: '1.0.0' });
    assert.deepEqual(Object.keys(document.channels), [placed.type, packed.type]);
    const channel = document.channels[placed.type] as { address: string; messages: Record<string, { $ref: string }> };
    assert.equal(channel.address, placed.type);
    assert.deepEqual(channel.messages, { [placed.type]: { $ref: `#/components/messages/${placed.type}` } });
  });

  it('carries the payload schema the producer checks, and the envelope fields as headers', () => {
    const message = document.components.messages[placed.type] as { payload: unknown; headers: { required: string[] }; summary: string };
    assert.deepEqual(message.payload, JSON.parse(JSON.stringify(placed.schema)));
    assert.deepEqual(message.headers.required, ['id', 'type', 'source', 'subject', 'time']);
    assert.equal(message.summary, placed.description);
  });

  it('has a send operation for the producer and a receive operation per consumer, each pointing into its channel', () => {
    const operations = document.operations as Record<string, { action: string; channel: { $ref: string }; messages: Array<{ $ref: string }> }>;
    assert.deepEqual(Object.keys(operations).sort(), ['shop.receive.cart.packed.v1', 'shop.send.cart.placed.v1', 'warehouse.receive.cart.placed.v1', 'warehouse.send.cart.packed.v1']);
    assert.equal(operations['warehouse.receive.cart.placed.v1']!.action, 'receive');
    assert.equal(operations['shop.send.cart.placed.v1']!.action, 'send');
    // Every reference resolves inside the document.
    const resolve = (ref: string) => ref.slice(2).split('/').reduce<any>((node, key) => node?.[key], document);
    for (const operation of Object.values(operations)) {
      assert.ok(resolve(operation.channel.$ref), operation.channel.$ref);
      for (const message of operation.messages) assert.ok(resolve(message.$ref), message.$ref);
    }
  });
});
