/** Fields that must never reach a log line, at whatever depth they sit in a logged object. */
export const SECRET_FIELDS = ['authorization', 'cookie', 'password', 'access_token', 'cardToken', 'card_token'];
export const REDACTED = '[redacted]';

const SECRETS = new Set(SECRET_FIELDS);
/** Deeper than any request, body or error this code logs; a cycle stops here too. */
const MAX_DEPTH = 6;

/**
 * The logged object with every secret field replaced, copied only along the way to a secret (most
 * lines have none and are returned as they are). Written by hand because pino's path-based redaction
 * needs a wildcard per level (`*.*.password`), and those cost several times the line itself.
 */
export function redactSecrets<T extends object>(object: T): T {
  return withoutSecrets(object, 0) as T;
}

function withoutSecrets(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const clean = withoutSecrets(item, depth + 1);
      if (clean !== item) (copy ??= [...value])[index] = clean;
    });
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const field = record[key];
    const clean = SECRETS.has(key) ? REDACTED : withoutSecrets(field, depth + 1);
    if (clean !== field) (copy ??= copyOf(record))[key] = clean;
  }
  return copy ?? value;
}

/** A shallow copy that stays an Error (type, message, stack) when it is one, for pino's error serializer. */
function copyOf(record: Record<string, unknown>): Record<string, unknown> {
  if (!(record instanceof Error)) return { ...record };
  const error = Object.assign(Object.create(Object.getPrototypeOf(record) as object) as Error, record);
  error.message = record.message;
  error.stack = record.stack;
  if ('cause' in record) error.cause = record.cause;
  return error as unknown as Record<string, unknown>;
}
