import fc, { type Arbitrary } from 'fast-check';
import { validValue, type Hints, type Schema } from './schema-values.ts';

/** A request body and the content type it is sent with; `bytes` when it is not text (invalid UTF-8). */
export interface RawBody {
  kind: string;
  contentType?: string;
  text?: string;
  bytes?: Uint8Array;
}

/** Where in a valid value a mutation can go: the sub-schema and the JSON pointer of the value. */
interface Site {
  schema: Schema;
  path: Array<string | number>;
}

function sitesOf(schema: Schema, value: unknown, path: Array<string | number> = []): Site[] {
  const here: Site = { schema, path };
  if (schema.type === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    const children = Object.entries(schema.properties ?? {}).flatMap(([key, property]) => (key in value ? sitesOf(property, (value as Record<string, unknown>)[key], [...path, key]) : []));
    return [here, ...children];
  }
  if (schema.type === 'array' && Array.isArray(value)) return [here, ...value.flatMap((item, index) => sitesOf(schema.items ?? {}, item, [...path, index]))];
  return [here];
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function setAt(root: unknown, path: Array<string | number>, replace: (current: unknown) => unknown): unknown {
  if (path.length === 0) return replace(root);
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  node[last] = replace(node[last]);
  return copy;
}

/** A value of another JSON type than the schema's: always invalid. */
function wrongType(schema: Schema): unknown[] {
  const all: Record<string, unknown[]> = {
    string: ['text', ''],
    integer: [7, -1],
    number: [1.5],
    boolean: [true],
    null: [null],
    array: [[], [1, 'two']],
    object: [{}, { nested: { deeper: true } }],
  };
  const allowed = new Set(schema.anyOf ? schema.anyOf.map((branch) => branch.type) : [schema.type]);
  if (allowed.has('number')) allowed.add('integer');
  return Object.entries(all).flatMap(([type, values]) => (allowed.has(type) ? [] : values));
}

/** Values just past the schema's limits. */
function outOfRange(schema: Schema): unknown[] {
  const values: unknown[] = [];
  if (schema.type === 'string') {
    if (schema.maxLength !== undefined) values.push('x'.repeat(schema.maxLength + 1), '😀'.repeat(schema.maxLength + 1));
    if (schema.minLength !== undefined && schema.minLength > 0) values.push('x'.repeat(schema.minLength - 1));
    if (schema.pattern) values.push(' ../x ', "' OR 1=1 --", '\u0000');
    if (schema.format === 'email') values.push('not-an-email', '@', 'a@');
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.minimum !== undefined) values.push(schema.minimum - 1, -1e308);
    if (schema.maximum !== undefined) values.push(schema.maximum + 1, 1e308, Number.MAX_SAFE_INTEGER + 2);
    if (schema.type === 'integer') values.push(0.5, 2 ** 53 + 0.5);
  }
  if (schema.type === 'array') {
    if (schema.minItems !== undefined && schema.minItems > 0) values.push([]);
  }
  return values;
}

/** Deeply nested arrays or objects, small enough to pass the body limit. */
function deeplyNested(depth: number, objects: boolean): string {
  return objects ? `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

const MASS_ASSIGNMENT = ['role', 'status', 'priceCents', 'totalCents', 'userId', 'id', 'isAdmin', 'version', 'constructor'];

/** Raw bytes that are not UTF-8 (lone continuation bytes, an overlong slash, a truncated sequence). */
const INVALID_UTF8 = [
  [0xff, 0xfe],
  [0xc0, 0xaf],
  [0xe2, 0x82],
  [0xed, 0xa0, 0x80],
];

function withInvalidUtf8(text: string, bytes: number[]): Uint8Array {
  // Inside the first string literal, so the JSON stays well-formed apart from its encoding.
  const at = text.indexOf('"') + 1 || text.length;
  const head = Buffer.from(text.slice(0, at));
  const tail = Buffer.from(text.slice(at));
  return new Uint8Array(Buffer.concat([head, Buffer.from(bytes), tail]));
}

/**
 * Bodies the route must refuse with a 4xx: each starts from a valid body and breaks exactly one
 * rule (a required field gone, an unknown field, a wrong type, a value past its limit, not JSON,
 * not UTF-8, too deep, too big, the wrong content type).
 */
export function badBody(schema: Schema, hints: Hints, bodyLimit: number): Arbitrary<RawBody> {
  return validValue(schema, hints).chain((valid) => {
    const sites = sitesOf(schema, valid);
    const text = JSON.stringify(valid);
    const objects = sites.filter((site) => site.schema.type === 'object');
    const strict = objects.filter((site) => site.schema.additionalProperties === false);
    const withRequired = objects.flatMap((site) => (site.schema.required ?? []).map((key) => ({ site, key })));
    const ranged = sites.flatMap((site) => outOfRange(site.schema).map((value) => ({ site, value })));
    const typed = sites.flatMap((site) => wrongType(site.schema).map((value) => ({ site, value })));
    const options: Array<Arbitrary<RawBody>> = [
      fc.constantFrom(...typed).map(({ site, value }) => ({ kind: 'wrong type', contentType: 'application/json', text: JSON.stringify(setAt(valid, site.path, () => value)) })),
      fc.constantFrom('{"a":', '{"a" 1}', "{'a':1}", '{"a":1,}', '[1,2', 'nul', '{"a":NaN}', '/* */{}', '{"a":1}{"b":2}', '\u0000').map((broken) => ({ kind: 'malformed JSON', contentType: 'application/json', text: broken })),
      fc.constantFrom('text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', 'image/png').map((contentType) => ({ kind: 'wrong content type', contentType, text })),
      fc.constantFrom(...INVALID_UTF8).map((bytes) => ({ kind: 'invalid UTF-8', contentType: 'application/json', bytes: withInvalidUtf8(text, bytes) })),
      fc.integer({ min: 200, max: 5000 }).chain((depth) => fc.boolean().map((asObjects) => ({ kind: 'deeply nested', contentType: 'application/json', text: deeplyNested(depth, asObjects) }))),
      fc.integer({ min: bodyLimit + 1, max: bodyLimit * 4 }).map((size) => ({ kind: 'oversized', contentType: 'application/json', text: JSON.stringify({ padding: 'x'.repeat(size) }) })),
      fc.constantFrom('null', '1', '"text"', 'true', '[]').map((scalar) => ({ kind: 'not an object', contentType: 'application/json', text: scalar })),
    ];
    if (withRequired.length > 0) {
      options.push(
        fc.constantFrom(...withRequired).map(({ site, key }) => ({
          kind: 'missing required field',
          contentType: 'application/json',
          text: JSON.stringify(setAt(valid, site.path, (object) => Object.fromEntries(Object.entries(object as Record<string, unknown>).filter(([name]) => name !== key)))),
        })),
      );
    }
    if (strict.length > 0) {
      options.push(
        fc.tuple(fc.constantFrom(...strict), fc.constantFrom(...MASS_ASSIGNMENT), fc.jsonValue({ maxDepth: 1 })).map(([site, key, value]) => ({
          kind: 'unknown field',
          contentType: 'application/json',
          text: JSON.stringify(setAt(valid, site.path, (object) => ({ ...(object as object), [key]: value }))),
        })),
        // JSON.stringify drops a "__proto__" key; written by hand it is an own property of the parsed body.
        fc.constant({ kind: 'prototype pollution', contentType: 'application/json', text: text.replace(/^\{/, '{"__proto__":{"role":"admin"},') }),
      );
    }
    if (ranged.length > 0) {
      options.push(fc.constantFrom(...ranged).map(({ site, value }) => ({ kind: 'out of range', contentType: 'application/json', text: JSON.stringify(setAt(valid, site.path, () => value)) })));
    }
    return fc.oneof(...options);
  });
}
