import { ConfigError, loadConfig, parseRouteWeights, type ResilienceOptions } from '@agora/chassis';
import type { EventsChoice } from '@agora/chassis/split';
import { services } from '../../../topology.ts';
import { PlatformConfigSchema, type PlatformConfig } from './platform-config.ts';

/**
 * Checks the platform's settings and every service's before anything starts, so one run reports
 * every bad variable at once (a service's are prefixed with its name).
 */
export function checkConfiguration(env: NodeJS.ProcessEnv): PlatformConfig {
  const problems: string[] = [];
  const attempt = <T>(read: () => T, prefix: string): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((problem) => prefix + problem));
      return undefined;
    }
  };
  const config = attempt(() => loadConfig(PlatformConfigSchema, env), '');
  for (const service of services) attempt(() => loadConfig(service.config, env), `${service.name}: `);
  if (config) problems.push(...parseRouteWeights(config.ROUTE_WEIGHTS).problems.map((problem) => `ROUTE_WEIGHTS: ${problem}`));
  if (problems.length > 0 || !config) throw new ConfigError(problems);
  return config;
}

export function resilienceOf(config: PlatformConfig): ResilienceOptions {
  return {
    timeoutMs: config.CALL_TIMEOUT_MS,
    maxAttempts: config.CALL_MAX_ATTEMPTS,
    breakerThreshold: config.BREAKER_THRESHOLD,
    breakerHalfOpenAfterMs: config.BREAKER_HALF_OPEN_MS,
    bulkheadLimit: config.BULKHEAD_LIMIT,
    bulkheadQueue: config.BULKHEAD_QUEUE,
  };
}

/** The split topology's event bus as configured; `rabbitUrl` is the broker's address when EVENT_BUS=rabbitmq. */
export function eventsOf(config: PlatformConfig, rabbitUrl: string | undefined): EventsChoice {
  return config.EVENT_BUS === 'rabbitmq' ? { bus: 'rabbitmq', url: rabbitUrl!, everyService: services } : { bus: 'nats' };
}
