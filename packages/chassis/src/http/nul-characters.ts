import type { FastifyInstance } from 'fastify';
import { problems } from '../contract/problems.ts';

/** The JSON pointer of the first string (or key) holding U+0000, walked without recursion: bodies may nest thousands deep. */
function nulAt(root: unknown): string | undefined {
  const pending: Array<[unknown, string]> = [[root, '']];
  while (pending.length > 0) {
    const [value, path] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path;
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) return `${path}/${key}`;
        pending.push([child, `${path}/${key}`]);
      }
    }
  }
  return undefined;
}

/**
 * Refuses text holding U+0000 in path parameters, query and body as bad input, naming the field:
 * PostgreSQL cannot store it in a text column (it would fail the request with a 500), and no field
 * of any API has a use for it.
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => refuseNul(request.params, request.query, request.body));
}

/** Throws the 400 naming the first field of the request holding U+0000. */
export function refuseNul(params: unknown, query: unknown, body: unknown): void {
  for (const [part, value] of [['params', params], ['querystring', query], ['body', body]] as const) {
    const path = nulAt(value);
    if (path !== undefined) throw problems.validation(`${part}${path} must not contain U+0000`, { errors: [{ field: `${part}${path}`, message: 'must not contain U+0000' }] });
  }
}
