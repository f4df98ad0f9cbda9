import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Schema } from './schema-values.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

/** One operation of the published API, with validators for the answers it documents. */
export interface Operation {
  id: string;
  method: string;
  /** `/api/v1/orders/{id}` */
  template: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  body?: Schema;
  idempotencyKey: boolean;
  /** Needs a bearer token (user or admin; which one is found by asking, see `access`). */
  secured: boolean;
  access: 'public' | 'user' | 'admin';
  /** 2xx status → validator of its JSON body. */
  success: Map<number, ValidateFunction>;
}

export interface OpenApi {
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, Schema> };
}

export const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));

/** Every operation of the gateway's merged OpenAPI document. */
export function operationsOf(document: OpenApi): Operation[] {
  const operations: Operation[] = [];
  for (const [template, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = (operation.parameters ?? []) as Parameter[];
      const success = new Map<number, ValidateFunction>();
      for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
        const schema = response.content?.['application/json']?.schema;
        if (/^2\d\d$/.test(status) && schema) success.set(Number(status), ajv.compile(schema));
      }
      operations.push({
        id: operation.operationId,
        method: method.toUpperCase(),
        template,
        pathParams: parameters.filter((parameter) => parameter.in === 'path'),
        queryParams: parameters.filter((parameter) => parameter.in === 'query'),
        body: operation.requestBody?.content?.['application/json']?.schema,
        idempotencyKey: parameters.some((parameter) => parameter.in === 'header' && parameter.name.toLowerCase() === 'idempotency-key' && parameter.required),
        secured: Array.isArray(operation.security) && operation.security.length > 0,
        access: 'public',
        success,
      });
    }
  }
  return operations;
}

/** The operations' paths as patterns, to tell a documented path from any other. */
export function documentedPath(document: OpenApi): (method: string, path: string) => boolean {
  const patterns = Object.entries(document.paths).flatMap(([template, methods]) => {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return Object.keys(methods).map((method) => ({ method: method.toUpperCase(), pattern }));
  });
  return (method, path) => patterns.some((entry) => entry.method === method && entry.pattern.test(path));
}

/** Fills `{name}` with encoded values and appends the query. */
export function pathOf(operation: Operation, params: Record<string, string>, query: Record<string, string> = {}, encode = encodeURIComponent): string {
  const path = operation.template.replace(/\{([^}]+)\}/g, (_, name: string) => encode(params[name] ?? ''));
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}
