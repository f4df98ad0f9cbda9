import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shopTopology } from '../testing/topology-fixture.ts';
import { CARD, CONSUME_AT, PUBLISH_AT, layoutTopology, type Box } from './layout.ts';

const overlap = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('layoutTopology', () => {
  const topology = shopTopology();
  const { boxes, busHandles } = layoutTopology(topology);
  const box = (id: string) => {
    const found = boxes.get(id);
    assert.ok(found, `${id} is placed`);
    return found;
  };

  it('places every node of the topology', () => {
    assert.deepEqual([...boxes.keys()].sort(), topology.nodes.map((node) => node.id).sort());
  });

  it('lets no two nodes overlap', () => {
    const all = [...boxes.entries()];
    for (const [index, [id, a]] of all.entries()) {
      for (const [other, b] of all.slice(index + 1)) assert.ok(!overlap(a, b), `${id} overlaps ${other}`);
    }
  });

  it('puts the gateway left, callers left of whom they call, databases under their service and the bus right of all', () => {
    for (const service of ['identity', 'orders', 'catalog', 'shipping']) assert.ok(box('gateway').x + box('gateway').width < box(service).x);
    assert.ok(box('orders').x + CARD.width < box('catalog').x, 'orders calls catalog: one column further right');
    assert.equal(box('identity').x, box('orders').x, 'identity and orders are both called by the gateway only');
    for (const service of ['orders', 'catalog']) {
      assert.ok(box(`db:${service}`).y > box(service).y + CARD.height, `db:${service} sits under ${service}`);
    }
    for (const [id, placed] of boxes) if (id !== 'bus') assert.ok(placed.x + placed.width < box('bus').x, `${id} is left of the bus`);
  });

  it('runs every event line straight to the bus between the cards further right', () => {
    const bus = box('bus');
    for (const { service, publishY, consumeY } of busHandles) {
      const card = box(service);
      for (const lineY of [publishY + bus.y, consumeY + bus.y]) {
        const near = (y: number) => Math.abs(lineY - y) < 1e-6;
        assert.ok(near(card.y + CARD.height * PUBLISH_AT) || near(card.y + CARD.height * CONSUME_AT), `${service}'s line leaves its own card`);
        for (const [id, other] of boxes) {
          if (id === 'bus' || other.x <= card.x + CARD.width) continue;
          assert.ok(lineY < other.y || lineY > other.y + other.height, `${service}'s event line at y=${lineY} crosses ${id}`);
        }
      }
    }
  });
});
