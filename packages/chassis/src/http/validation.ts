import type { Ajv, ErrorObject } from 'ajv';
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import { build as buildSerializer } from 'fast-json-stringify';
import { convertingAjv, strictAjv } from '../contract/schema-check.ts';

/**
 * Validators and serializers are compiled on a route's first request rather than at start, so a
 * process with seven services and forty routes starts without compiling any; the one-off cost
 * (a few milliseconds) lands on the first call of each route.
 */
export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  // Bodies are JSON and must already have the right types; query strings and path params are text.
  const ajv = httpPart === 'body' ? strictAjv : convertingAjv;
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
