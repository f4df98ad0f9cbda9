import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CounterDeltas } from './counter-deltas.ts';

describe('counter deltas', () => {
  it('counts increases per series, a new series from zero, a restarted one from its new value', () => {
    const deltas = new CounterDeltas();
    deltas.next(new Map([['a|x|count', 10]]), 0);
    const next = deltas.next(new Map([['a|x|count', 13], ['b|x|count', 2]]), 1_000);
    assert.deepEqual([...next], [['a|x|count', 3], ['b|x|count', 2]]);
    // instance a restarted: its counter went back to 1
    assert.deepEqual([...deltas.next(new Map([['a|x|count', 1], ['b|x|count', 2]]), 2_000)], [['a|x|count', 1]]);
  });

  it('does not count an instance’s history again after it missed a sample', () => {
    const deltas = new CounterDeltas();
    deltas.next(new Map([['a|x|count', 100]]), 0);
    assert.equal(deltas.next(new Map(), 1_000).size, 0);
    assert.deepEqual([...deltas.next(new Map([['a|x|count', 104]]), 2_000)], [['a|x|count', 4]]);
  });
});
