import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRouteWeights, pickRelease } from './route-weights.ts';

describe('route weights (canary releases)', () => {
  it('parses per-service releases and names every malformed part', () => {
    const { weights, problems } = parseRouteWeights(' orders=1.4.0:90,1.5.0:10 ; catalog=stable:1,canary:0 ');
    assert.deepEqual(problems, []);
    assert.deepEqual(weights.get('orders'), [{ version: '1.4.0', weight: 90 }, { version: '1.5.0', weight: 10 }]);
    assert.deepEqual(weights.get('catalog'), [{ version: 'stable', weight: 1 }, { version: 'canary', weight: 0 }]);

    const bad = parseRouteWeights('Orders=1:1;payments=1.0:-5;shipping=a:0,b:0;inventory');
    assert.equal(bad.weights.size, 0);
    assert.equal(bad.problems.length, 4, bad.problems.join(' | '));
  });

  it('splits traffic by weight among live releases, and gives an absent release share to the rest', () => {
    const releases = [{ version: 'stable', weight: 90 }, { version: 'canary', weight: 10 }];
    const both = new Set(['stable', 'canary']);
    const picks = Array.from({ length: 1000 }, (_, i) => pickRelease(releases, both, (i + 0.5) / 1000));
    assert.equal(picks.filter((pick) => pick === 'canary').length, 100);
    assert.equal(pickRelease(releases, new Set(['stable']), 0.99), 'stable', 'canary down: stable takes it all');
    assert.equal(pickRelease(releases, new Set(['other'])), undefined, 'no weighted release up: any instance');
  });
});
