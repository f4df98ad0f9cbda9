import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BreakerState } from './contract.ts';
import { addWorstBreakers } from './worst-breakers.ts';

describe('addWorstBreakers', () => {
  it('keeps the most severe state per target over instances, in whatever order they answer', () => {
    const worst: Record<string, BreakerState> = {};
    addWorstBreakers(worst, { catalog: 'closed', payments: 'open', shipping: 'half-open' });
    addWorstBreakers(worst, { catalog: 'half-open', payments: 'closed', shipping: 'closed' });
    assert.deepEqual(worst, { catalog: 'half-open', payments: 'open', shipping: 'half-open' });
  });

  it('keys each state by the given key, and leaves out a state the chassis does not define', () => {
    const worst: Record<string, BreakerState> = {};
    addWorstBreakers(worst, { catalog: 'isolated', payments: 'open' }, (target) => `call:orders->${target}`);
    assert.deepEqual(worst, { 'call:orders->payments': 'open' });
  });
});
