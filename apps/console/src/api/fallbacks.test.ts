import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseFallbacks } from './fallbacks.ts';

it('sums agora_fallbacks_total per caller and target, over operations, and ignores other series', () => {
  const text = [
    '# HELP agora_fallbacks_total Fallback answers served instead of a failed call',
    '# TYPE agora_fallbacks_total counter',
    'agora_fallbacks_total{service="orders",target="catalog",operation="lookupPrices"} 3',
    'agora_fallbacks_total{service="orders",target="catalog",operation="getProduct"} 2',
    'agora_fallbacks_total{service="gateway",target="identity",operation="jwks"} 1',
    'agora_shared_state_fallbacks_total{service="gateway"} 40',
    'agora_calls_total{service="orders",target="catalog",operation="lookupPrices",outcome="fallback"} 5',
  ].join('\n');
  assert.deepEqual(parseFallbacks(text), { total: 6, byCall: { 'orders->catalog': 5, 'gateway->identity': 1 } });
});

it('reads no fallbacks as zero', () => {
  assert.deepEqual(parseFallbacks('# TYPE agora_fallbacks_total counter\n'), { total: 0, byCall: {} });
});
