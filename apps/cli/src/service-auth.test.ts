import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError, loadConfig } from '@agora/chassis';
import { generateServiceTokenKey } from '@agora/chassis/split';
import { PlatformConfigSchema } from './platform-config.ts';
import { deploymentKeyOf, serviceTokensOf } from './service-auth.ts';

const configOf = (env: Record<string, string>) => loadConfig(PlatformConfigSchema, env);

it('requires tokens by default, and refuses a SERVICE_AUTH that is neither token nor off', () => {
  assert.equal(configOf({}).SERVICE_AUTH, 'token');
  assert.throws(() => configOf({ SERVICE_AUTH: 'maybe' }), (error: unknown) => error instanceof ConfigError && error.problems.some((problem) => problem.includes('SERVICE_AUTH')));
});

it('stops the start of a process without a key, or with a bad one, naming SERVICE_TOKEN_KEY', () => {
  const envs: Array<Record<string, string>> = [{}, { SERVICE_TOKEN_KEY: 'not json' }, { SERVICE_TOKEN_KEY: '{"kty":"RSA"}' }];
  for (const env of envs) {
    assert.throws(() => serviceTokensOf(configOf(env)), (error: unknown) => error instanceof ConfigError && /SERVICE_TOKEN_KEY/.test(error.problems.join()), JSON.stringify(env));
  }
  assert.equal(serviceTokensOf(configOf({ SERVICE_AUTH: 'off' })), undefined, 'off: no tokens, no key needed');
});

it('gives the supervisor the key it was given, else a new one each start, and none when off', () => {
  const given = generateServiceTokenKey();
  assert.equal(deploymentKeyOf(configOf({ SERVICE_TOKEN_KEY: given })), given);
  const made = deploymentKeyOf(configOf({}));
  assert.ok(made && serviceTokensOf(configOf({ SERVICE_TOKEN_KEY: made })));
  assert.notEqual(deploymentKeyOf(configOf({})), made);
  assert.equal(deploymentKeyOf(configOf({ SERVICE_AUTH: 'off' })), undefined);
  assert.throws(() => deploymentKeyOf(configOf({ SERVICE_TOKEN_KEY: '{}' })), ConfigError);
});
