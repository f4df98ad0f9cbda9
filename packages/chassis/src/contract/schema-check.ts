import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from 'typebox';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** JSON that must already have the right types: request bodies, event payloads. Defaults are filled in. */
export const strictAjv = addFormats(new Ajv({ allErrors: true, strict: false, useDefaults: true }));
/** Text that stands for typed values (query strings, path parameters, environment variables): converted, defaults filled in. */
export const convertingAjv = addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: true, useDefaults: true, verbose: true }));

const compiled = new WeakMap<TSchema, ValidateFunction>();

export interface CheckResult {
  ok: boolean;
  /** `/path message` of each problem. */
  problems: Array<{ path: string; message: string }>;
}

/** "must be one of a, b" for a union of constants, instead of one error per branch. */
function describe(errors: ErrorObject[]): Array<{ path: string; message: string }> {
  const pathOf = (error: ErrorObject) => {
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    return `${error.instancePath}${missing ? `/${missing}` : ''}` || '/';
  };
  const unions = new Map<string, ErrorObject>();
  for (const error of errors) if (error.keyword === 'anyOf') unions.set(error.instancePath, error);
  const described: Array<{ path: string; message: string }> = [];
  for (const error of errors) {
    const union = unions.get(error.instancePath);
    if (union && error !== union) continue;
    const choices = Array.isArray(error.schema) ? (error.schema as Array<{ const?: unknown }>).map((branch) => branch.const) : [];
    const message = union && choices.length > 0 && choices.every((choice) => choice !== undefined) ? `must be one of ${choices.join(', ')}` : (error.message ?? 'is invalid');
    described.push({ path: pathOf(error), message });
  }
  return described;
}

function run(validate: ValidateFunction, value: unknown): CheckResult {
  const ok = validate(value) as boolean;
  return { ok, problems: ok ? [] : describe(validate.errors ?? []) };
}

/** Checks a value against a schema, compiling it once. */
export function check(schema: TSchema, value: unknown): CheckResult {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = strictAjv.compile(schema);
    compiled.set(schema, validate);
  }
  return run(validate, value);
}

/** Converts and checks in place (defaults added, strings turned into numbers and booleans). */
export function convertAndCheck(schema: TSchema, value: Record<string, unknown>): CheckResult {
  return run(convertingAjv.compile(schema), value);
}
