import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceEnvOf } from './service-env.ts';

describe('per-service environment of a split process', () => {
  const env = {
    AGORA_SERVICE_ENV_PAYMENTS__NATS_URL: 'nats://127.0.0.25:4222',
    AGORA_SERVICE_ENV_PAYMENTS__LD_PRELOAD: '/usr/lib/faketime.so',
    AGORA_SERVICE_ENV_ORDERS__FAKETIME: '+30s',
    AGORA_SERVICE_ENV_PAYMENTS__: 'no name',
    NATS_URL: 'nats://127.0.0.1:4222',
  };

  it("gives a process its own service's variables, under their plain names", () => {
    assert.deepEqual(serviceEnvOf(['payments'], env), { NATS_URL: 'nats://127.0.0.25:4222', LD_PRELOAD: '/usr/lib/faketime.so' });
  });

  it("gives none of another service's", () => {
    assert.deepEqual(serviceEnvOf(['catalog'], env), {});
  });

  it('gives a process hosting several services the variables of each', () => {
    assert.deepEqual(serviceEnvOf(['orders', 'payments'], env), { FAKETIME: '+30s', NATS_URL: 'nats://127.0.0.25:4222', LD_PRELOAD: '/usr/lib/faketime.so' });
  });
});
