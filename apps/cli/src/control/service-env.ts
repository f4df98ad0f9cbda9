const PREFIX = 'AGORA_SERVICE_ENV_';

/**
 * Extra environment for the process of one service, given to the supervisor as
 * `AGORA_SERVICE_ENV_<SERVICE>__<NAME>=value` (e.g. `AGORA_SERVICE_ENV_PAYMENTS__NATS_URL`): one
 * process reaches the broker another way, or runs under a tool such as a clock shifter
 * (`LD_PRELOAD`), without the supervisor or its other children taking it too. A process hosting
 * several services takes the variables of each.
 */
export function serviceEnvOf(services: string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const own: Record<string, string> = {};
  for (const service of services) {
    const prefix = `${PREFIX}${service.toUpperCase()}__`;
    for (const [name, value] of Object.entries(env)) {
      if (name.startsWith(prefix) && name.length > prefix.length && value !== undefined) own[name.slice(prefix.length)] = value;
    }
  }
  return own;
}
