import { openApiFor, type ApiContract, type OpenApiDocument } from '@agora/chassis';

/**
 * One OpenAPI 3.1 document for the whole public API, made from the services' contracts (internal
 * routes left out), with the gateway's own rule added: which writes need an Idempotency-Key, and
 * how long keys are kept.
 */
export function publicOpenApi(contracts: ApiContract[], idempotencyTtlSeconds: number): OpenApiDocument {
  const document = openApiFor(
    contracts,
    {
      title: 'Agora API',
      version: '1.0.0',
      description: `The public API of Agora, through the gateway. Errors are application/problem+json (RFC 9457). Writes that take an Idempotency-Key keep it for ${idempotencyTtlSeconds} seconds, scoped per user.`,
    },
    (route) => route.access !== 'internal',
  );
  document['x-idempotency-retention-seconds'] = idempotencyTtlSeconds;
  for (const contract of contracts) {
    for (const route of Object.values(contract.routes)) {
      if (route.idempotencyKey !== 'required') continue;
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const operation = document.paths[path]![route.method.toLowerCase()] as { parameters: unknown[] };
      operation.parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: true,
        schema: { type: 'string', maxLength: 255 },
        description: `Retained ${idempotencyTtlSeconds} s per user. Same key and body: the first response again (Idempotent-Replayed: true); different body: 422; still in flight: 409.`,
      });
    }
  }
  return document;
}
