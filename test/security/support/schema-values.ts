import fc, { type Arbitrary } from 'fast-check';

/** The part of JSON Schema the contracts use (TypeBox output, as published in /openapi.json). */
export interface Schema {
  type?: string;
  const?: unknown;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  minProperties?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  default?: unknown;
}

/**
 * Values worth trying for a property by its name, so generated requests reach past "no such
 * product" into the handlers: real product ids, orders that exist, test card tokens.
 */
export type Hints = Record<string, Arbitrary<unknown>>;

/** Text that has broken parsers and databases before: unicode planes, NUL, RTL marks, SQL and path syntax. */
export const nastyStrings = [
  '',
  ' ',
  '\u0000',
  '\u202e\u0041\u0042',
  '\ufeffbom',
  '😀'.repeat(8),
  "' OR '1'='1' --",
  '"; DROP TABLE users; --',
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '\\u0000',
  'null',
  'NaN',
  '-0',
  '1e999',
  '__proto__',
];

function stringValue(schema: Schema): Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = schema.maxLength ?? Math.max(minLength, 40);
  if (schema.format === 'email') return fc.emailAddress().filter((email) => email.length <= maxLength);
  if (schema.pattern) {
    return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length >= minLength && text.length <= maxLength);
  }
  return fc.oneof(
    fc.string({ minLength, maxLength: Math.min(maxLength, 64) }),
    fc.string({ unit: 'grapheme', minLength, maxLength: Math.min(maxLength, 32) }),
    fc.constantFrom(...nastyStrings).filter((text) => text.length >= minLength && text.length <= maxLength),
    // The boundary itself: exactly the longest accepted text.
    fc.constant('x'.repeat(maxLength)),
  );
}

function numberValue(schema: Schema): Arbitrary<number> {
  const min = schema.minimum ?? -1_000_000_000;
  const max = schema.maximum ?? 1_000_000_000;
  if (schema.type === 'integer') return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
  return fc.oneof(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(min, max));
}

/** Values that satisfy the schema (the happy and the boundary side of every field). */
export function validValue(schema: Schema, hints: Hints = {}, name?: string): Arbitrary<unknown> {
  const hint = name === undefined ? undefined : hints[name];
  const plain = plainValidValue(schema, hints);
  return hint ? fc.oneof({ arbitrary: hint, weight: 3 }, { arbitrary: plain, weight: 1 }) : plain;
}

function plainValidValue(schema: Schema, hints: Hints): Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.anyOf) return fc.oneof(...schema.anyOf.map((branch) => validValue(branch, hints)));
  switch (schema.type) {
    case 'string':
      return stringValue(schema);
    case 'integer':
    case 'number':
      return numberValue(schema);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(validValue(schema.items ?? {}, hints), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) });
    case 'object':
      return objectValue(schema, hints);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function objectValue(schema: Schema, hints: Hints): Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const record: Record<string, Arbitrary<unknown>> = {};
  for (const [key, property] of Object.entries(properties)) record[key] = validValue(property, hints, key);
  const required = schema.required ?? [];
  const optional = Object.keys(properties).filter((key) => !required.includes(key));
  return fc
    .record(record, { requiredKeys: required })
    .filter((value) => Object.keys(value).length >= (schema.minProperties ?? 0) || optional.length === 0);
}
