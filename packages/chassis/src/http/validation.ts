import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import { build as buildSerializer } from 'fast-json-stringify';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(coerceTypes: boolean): Ajv {
  // Bodies are JSON and must already have the right types; only query strings and path params
  // arrive as text and are coerced.
  const ajv = new Ajv({ allErrors: true, coerceTypes, useDefaults: true, removeAdditional: false, strict: false });
  addFormats(ajv);
  return ajv;
}

const strict = makeAjv(false);
const coercing = makeAjv(true);

/**
 * Validators and serializers are compiled on a route's first request rather than at start: a
 * process with seven services and forty routes is ready in well under a second, and the one-off
 * cost (a few milliseconds) lands on the first call of each route.
 */
export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strict : coercing;
  let compiled: ReturnType<Ajv['compile']> | undefined;
  const validate = (data: unknown) => {
    compiled ??= ajv.compile(schema);
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  };
  validate.errors = null as ErrorObject[] | null | undefined;
  return validate as unknown as ReturnType<FastifySchemaCompiler<any>>;
};

export const serializerCompiler: FastifySerializerCompiler<any> = ({ schema }) => {
  let serialize: ((data: unknown) => string) | undefined;
  return (data: unknown) => {
    serialize ??= buildSerializer(schema);
    return serialize(data);
  };
};

/** `/items/0/quantity` style pointer for one AJV error, naming the missing property where there is one. */
export function fieldOf(error: ErrorObject, part: string): string {
  const missing = (error.params as { missingProperty?: string }).missingProperty;
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  const path = error.instancePath + (missing ? `/${missing}` : extra ? `/${extra}` : '');
  return `${part}${path}`;
}
