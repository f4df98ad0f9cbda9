import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from 'typebox';
import { ConfigError, loadConfig } from './env.ts';

const schema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  SAGA_STYLE: Type.Union([Type.Literal('choreography'), Type.Literal('orchestration')], { default: 'choreography' }),
  AGORA_SEED: Type.Boolean({ default: true }),
});

describe('loadConfig', () => {
  it('applies defaults and converts strings', () => {
    assert.deepEqual(loadConfig(schema, {}), { PORT: 8080, SAGA_STYLE: 'choreography', AGORA_SEED: true });
    assert.deepEqual(loadConfig(schema, { PORT: '9000', AGORA_SEED: 'false', SAGA_STYLE: 'orchestration' }), { PORT: 9000, SAGA_STYLE: 'orchestration', AGORA_SEED: false });
  });

  it('names every bad variable and its value', () => {
    assert.throws(
      () => loadConfig(schema, { PORT: 'eighty', SAGA_STYLE: 'both' }),
      (error: unknown) => error instanceof ConfigError && /PORT="eighty"/.test(error.message) && /SAGA_STYLE="both"/.test(error.message),
    );
  });
});
