import { problems } from '@agora/chassis';

/** Opaque cursors: the last id of the previous page, base64url-encoded so clients don't build them. */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof after === 'string') return after;
  } catch {
    // fall through to the 400 below
  }
  throw problems.validation('querystring/cursor is not a cursor this API issued', { errors: [{ field: 'querystring/cursor', message: 'is not a valid cursor' }] });
}
