import { ConfigError } from '@agora/chassis';
import { generateServiceTokenKey, parseServiceTokenKey, ServiceTokens } from '@agora/chassis/split';
import type { PlatformConfig } from './platform-config.ts';

/**
 * The deployment's service-token key as the supervisor hands it to its processes: SERVICE_TOKEN_KEY
 * when given (another host's `agora serve` must share it), else a new one for this start, so no key
 * outlives the shop it signs for. None with SERVICE_AUTH=off.
 */
export function deploymentKeyOf(config: PlatformConfig): string | undefined {
  if (config.SERVICE_AUTH === 'off') return undefined;
  const key = config.SERVICE_TOKEN_KEY ?? generateServiceTokenKey();
  serviceTokensOf({ ...config, SERVICE_TOKEN_KEY: key });
  return key;
}

/** This process' service tokens (SERVICE_AUTH=token), or none (off); a missing or bad key stops the start. */
export function serviceTokensOf(config: PlatformConfig): ServiceTokens | undefined {
  if (config.SERVICE_AUTH === 'off') return undefined;
  if (!config.SERVICE_TOKEN_KEY) {
    throw new ConfigError(['SERVICE_TOKEN_KEY is required with SERVICE_AUTH=token (the key of the split shop on the same DATA_DIR, or the deployment\'s Secret); SERVICE_AUTH=off only behind a mesh doing mTLS']);
  }
  try {
    return new ServiceTokens({ key: parseServiceTokenKey(config.SERVICE_TOKEN_KEY) });
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
}
