import type { ApiContract, RouteDefinition } from './api.ts';

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, unknown>;
  [extension: `x-${string}`]: unknown;
}

const problemResponse = { description: 'Problem (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } };

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
};

/** JSON Schema objects as JSON (TypeBox keeps its own markers non-enumerable). */
function plain(schema: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

function parameters(route: RouteDefinition): unknown[] {
  const from = (schema: unknown, where: 'path' | 'query') => {
    if (!schema) return [];
    const object = plain(schema) as { properties?: Record<string, unknown>; required?: string[] };
    return Object.entries(object.properties ?? {}).map(([name, property]) => ({ name, in: where, required: where === 'path' || (object.required ?? []).includes(name), schema: property }));
  };
  return [...from(route.params, 'path'), ...from(route.querystring, 'query')];
}

function operation(service: string, name: string, route: RouteDefinition) {
  const responses: Record<string, unknown> = {};
  for (const [status, schema] of Object.entries(route.response)) responses[status] = { description: `${status}`, content: { 'application/json': { schema: plain(schema) } } };
  responses['4XX'] = problemResponse;
  responses['5XX'] = problemResponse;
  return {
    operationId: `${service}.${name}`,
    summary: route.summary,
    tags: [service],
    ...(route.deprecated ? { deprecated: true, description: `Superseded by ${route.deprecated.successor}; sunset ${route.deprecated.sunset}.` } : {}),
    ...(route.access !== 'public' && route.access !== 'internal' ? { security: [{ bearer: [] }] } : {}),
    ...(route.retriable === false ? { 'x-retriable': false } : {}),
    parameters: parameters(route),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: plain(route.body) } } } } : {}),
    responses,
  };
}

/**
 * An OpenAPI 3.1 document made directly from contracts: the contract is the single source, so the
 * document cannot drift from what the service validates. `include` picks which routes appear.
 */
export function openApiFor(contracts: ApiContract[], info: OpenApiDocument['info'], include: (route: RouteDefinition) => boolean = () => true): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const contract of contracts) {
    for (const [name, route] of Object.entries(contract.routes)) {
      if (!include(route)) continue;
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(contract.service, name, route) };
    }
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: { schemas: { Problem: problemSchema }, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
  };
}
