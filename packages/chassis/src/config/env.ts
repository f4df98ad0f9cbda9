import { type TSchema, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

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
export function loadConfig<T extends TSchema>(schema: T, env: NodeJS.ProcessEnv = process.env): Static<T> {
  const properties = (schema as unknown as { properties: Record<string, TSchema> }).properties;
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(properties)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const converted = Value.Convert(schema, Value.Default(schema, raw));
  const validator = Compile(schema);
  if (validator.Check(converted)) return converted as Static<T>;
  const problems = [...validator.Errors(converted)].map((error) => {
    const name = error.instancePath.replace(/^\//, '') || String((error.params as { requiredProperties?: string[] }).requiredProperties ?? '');
    return `${name}=${JSON.stringify(raw[name] ?? null)}: ${error.message}`;
  });
  throw new ConfigError(problems);
}
