import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from 'typebox';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** JSON that must already have the right types: request bodies, event payloads. Defaults are filled in. */
export const strictAjv = addFormats(new Ajv({ allErrors: true, strict: false, useDefaults: true }));
/** Text that stands for typed values (query strings, path parameters, environment variables): converted, defaults filled in. */
export const convertingAjv = addFormats(new Ajv({ allErrors: true, strict: false, coerceTypes: true, useDefaults: true }));

const compiled = new WeakMap<TSchema, ValidateFunction>();

export interface CheckResult {
  ok: boolean;
  /** `/path message` of each problem. */
  problems: Array<{ path: string; message: string }>;
}

function run(validate: ValidateFunction, value: unknown): CheckResult {
  const ok = validate(value) as boolean;
  return {
    ok,
    problems: ok
      ? []
      : (validate.errors ?? []).map((error) => {
          const missing = (error.params as { missingProperty?: string }).missingProperty;
          return { path: `${error.instancePath}${missing ? `/${missing}` : ''}` || '/', message: error.message ?? 'is invalid' };
        }),
  };
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
