import type { TObject, Static } from 'typebox';
import { convertAndCheck } from '../contract/schema-check.ts';

/** Raised at start when the environment does not fit the schema; the message names every bad variable. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Reads a typed config from environment variables (12-factor). The schema's property names are the
 * variable names; defaults come from the schema, numbers and booleans are converted from strings.
 */
export function loadConfig<T extends TObject>(schema: T, env: NodeJS.ProcessEnv = process.env): Static<T> {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(schema.properties)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const original = { ...raw };
  const result = convertAndCheck(schema, raw);
  if (result.ok) return raw as Static<T>;
  throw new ConfigError(result.problems.map(({ path, message }) => {
    const name = path.replace(/^\//, '');
    return `${name}=${JSON.stringify(original[name] ?? null)}: ${message}`;
  }));
}
