import { problems, type ApiContract, type ServiceDirectory } from '@agora/chassis';

interface OpenApiDocument {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  [key: string]: unknown;
}

const PUBLIC_PATH = /^\/(api\/v\d+\/|\.well-known\/)/;

/**
 * One OpenAPI 3.1 document for the whole public API: each service's own document (generated from
 * its contract), keeping only public paths, with the gateway's security and idempotency rules added.
 */
export async function mergedOpenApi(contracts: ApiContract[], directory: ServiceDirectory, idempotencyTtlSeconds: number): Promise<OpenApiDocument> {
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: {
      title: 'Agora API',
      version: '1.0.0',
      description: `The public API of Agora, through the gateway. Errors are application/problem+json (RFC 9457). Writes marked with Idempotency-Key keep the key for ${idempotencyTtlSeconds} seconds, scoped per user.`,
    },
    paths: {},
    components: { schemas: {}, securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    'x-idempotency-retention-seconds': idempotencyTtlSeconds,
  };
  for (const contract of contracts) {
    const response = await directory.transport(contract.service).request({ method: 'GET', url: '/openapi.json', headers: {} });
    if (response.status !== 200) throw problems.unavailable(`${contract.service} has no OpenAPI document`);
    const document = JSON.parse(response.body) as OpenApiDocument;
    Object.assign(merged.components!.schemas!, document.components?.schemas ?? {});
    for (const [path, operations] of Object.entries(document.paths ?? {})) {
      if (!PUBLIC_PATH.test(path)) continue;
      merged.paths[path] = { ...merged.paths[path] };
      for (const [method, operation] of Object.entries(operations)) {
        const route = Object.values(contract.routes).find((candidate) => candidate.method.toLowerCase() === method && toOpenApiPath(candidate.path) === path);
        const decorated: Record<string, unknown> = { ...operation };
        if (route && route.access !== 'public') decorated.security = [{ bearer: [] }];
        if (route?.access === 'admin') decorated.description = `${String(operation.description ?? '')} Requires the admin role.`.trim();
        if (route?.idempotencyKey === 'required') {
          decorated.parameters = [
            ...((operation.parameters as unknown[]) ?? []),
            { name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string', maxLength: 255 }, description: `Retained ${idempotencyTtlSeconds} s per user. Same key and body: the first response again (Idempotent-Replayed: true); different body: 422; still in flight: 409.` },
          ];
        }
        merged.paths[path]![method] = decorated;
      }
    }
  }
  return merged;
}

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
