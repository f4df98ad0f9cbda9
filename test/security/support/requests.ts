import fc, { type Arbitrary } from 'fast-check';
import { badBody, type RawBody } from './bad-bodies.ts';
import { ajv, pathOf, type Operation, type Parameter } from './operations.ts';
import { nastyStrings, validValue, type Hints } from './schema-values.ts';
import type { Sent } from './http.ts';

export type Principal = 'anonymous' | 'customer' | 'admin';

/** A generated request, and what it is meant to test (printed with a failure). */
export interface Case extends Sent {
  kind: string;
  principal: Principal | 'forged';
}

export interface Fixtures {
  tokens: Record<'customer' | 'admin', string>;
  hints: Hints;
  bodyLimit: number;
  /** The methods the document lists for a path template. */
  methodsOf: (template: string) => string[];
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

interface Parts {
  params: Record<string, string>;
  query: Record<string, string>;
  body?: string;
  key: string;
}

/** Path parameters; a hint named `<template>#<name>` beats one named `<name>` (an order's id, not a product's). */
function validParams(template: string, parameters: Parameter[], hints: Hints): Arbitrary<Record<string, string>> {
  const record: Record<string, Arbitrary<string>> = {};
  for (const parameter of parameters) {
    const specific = `${template}#${parameter.name}`;
    record[parameter.name] = validValue(parameter.schema, specific in hints ? { [specific]: hints[specific]! } : hints, specific in hints ? specific : parameter.name).map(String);
  }
  return fc.record(record);
}

function validQuery(parameters: Parameter[], hints: Hints): Arbitrary<Record<string, string>> {
  const record: Record<string, Arbitrary<string>> = {};
  for (const parameter of parameters) record[parameter.name] = validValue(parameter.schema, hints, parameter.name).map(String);
  return fc.record(record, { requiredKeys: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name) });
}

function validParts(operation: Operation, hints: Hints): Arbitrary<Parts> {
  return fc.record({
    params: validParams(operation.template, operation.pathParams, hints),
    query: validQuery(operation.queryParams, hints),
    body: operation.body ? validValue(operation.body, hints).map((value) => JSON.stringify(value)) : fc.constant(undefined),
    key: fc.stringMatching(/^[A-Za-z0-9._-]{1,255}$/),
  });
}

function build(operation: Operation, fixtures: Fixtures, parts: Parts, kind: string, principal: Principal, changes: { method?: string; path?: string; headers?: Record<string, string>; body?: RawBody | null } = {}): Case {
  const headers: Record<string, string> = {};
  if (principal !== 'anonymous') headers.authorization = `Bearer ${fixtures.tokens[principal]}`;
  if (operation.idempotencyKey) headers['idempotency-key'] = parts.key;
  let body: string | Uint8Array | undefined = parts.body;
  if (parts.body !== undefined) headers['content-type'] = 'application/json';
  if (changes.body) {
    body = changes.body.bytes ?? changes.body.text;
    if (changes.body.contentType) headers['content-type'] = changes.body.contentType;
    else delete headers['content-type'];
  }
  const method = changes.method ?? operation.method;
  // A GET carries no body (fetch refuses to send one).
  if (method === 'GET') {
    body = undefined;
    delete headers['content-type'];
  }
  return { kind, principal, method, path: changes.path ?? pathOf(operation, parts.params, parts.query), headers: { ...headers, ...changes.headers }, body };
}

/** The principal an operation needs, so a request is refused for the one fault put into it. */
function allowed(operation: Operation): Principal {
  return operation.access === 'admin' ? 'admin' : operation.access === 'user' ? 'customer' : 'anonymous';
}

function invalidFor(parameter: Parameter, candidates: string[]): string[] {
  const check = ajv.compile(parameter.schema);
  return candidates.filter((candidate) => !check(candidate));
}

/**
 * Requests the operation must refuse with a 4xx and no effect: one fault each, in the body, a path
 * parameter, the query, the Idempotency-Key, the credentials, or the method.
 */
export function refusedRequest(operation: Operation, fixtures: Fixtures): Arbitrary<Case> {
  const { hints } = fixtures;
  const principal = allowed(operation);
  const parts = validParts(operation, hints);
  const options: Array<Arbitrary<Case>> = [];
  if (operation.body) {
    options.push(fc.tuple(parts, badBody(operation.body, hints, fixtures.bodyLimit)).map(([valid, bad]) => build(operation, fixtures, valid, `body: ${bad.kind}`, principal, { body: bad })));
  }
  for (const parameter of operation.pathParams) {
    const max = parameter.schema.maxLength ?? 64;
    const values = invalidFor(parameter, [...nastyStrings, 'x'.repeat(max + 1), 'x'.repeat(101), 'x'.repeat(400)]);
    const encoded = fc.constantFrom(...values).map((value) => ({ value, raw: false }));
    // Sent as they are: percent-escapes that decode to nothing, or to bytes that are not UTF-8.
    const raw = fc.constantFrom('%zz', '%', '%C3%28', '%ED%A0%80', '%FF', '..%2F..%2F', '%00').map((value) => ({ value, raw: true }));
    options.push(
      fc.tuple(parts, fc.oneof(encoded, raw)).map(([valid, { value, raw: asIs }]) => {
        const params = { ...valid.params, [parameter.name]: value };
        const path = pathOf(operation, params, valid.query, (text) => (asIs && text === value ? text : encodeURIComponent(text)));
        return build(operation, fixtures, valid, `path parameter ${parameter.name}`, principal, { path });
      }),
    );
  }
  for (const parameter of operation.queryParams) {
    const values = invalidFor(parameter, ['0', '-1', '101', '1.5', 'abc', '1e3', 'NaN', 'x'.repeat(201), 'x'.repeat(5000), '%ZZ']);
    const garbageCursors = parameter.name === 'cursor' ? ['bnVsbA', 'eyJ', 'WzEsMl0', '!!!', "' OR 1=1 --"] : [];
    const candidates = [...values, ...garbageCursors];
    if (candidates.length === 0) continue;
    options.push(
      fc.tuple(parts, fc.constantFrom(...candidates)).map(([valid, value]) => build(operation, fixtures, valid, `query ${parameter.name}=${value.slice(0, 20)}`, principal, { path: pathOf(operation, valid.params, { ...valid.query, [parameter.name]: value }) })),
    );
  }
  if (operation.idempotencyKey) {
    options.push(
      fc.tuple(parts, fc.constantFrom('', ' ', 'k'.repeat(256), 'k'.repeat(4000))).map(([valid, key]) => {
        const request = build(operation, fixtures, valid, `idempotency-key of ${key.length}`, principal);
        if (key === '') delete request.headers!['idempotency-key'];
        else request.headers!['idempotency-key'] = key;
        return request;
      }),
    );
  }
  if (operation.secured) {
    const forged: Array<{ name: string; headers: Record<string, string> }> = [
      { name: 'no token', headers: {} },
      { name: 'not a JWT', headers: { authorization: 'Bearer not.a.jwt' } },
      { name: 'basic auth', headers: { authorization: 'Basic YWRtaW5AZXhhbXBsZS5jb206YWRtaW4tcGFzc3dvcmQ=' } },
      { name: 'empty bearer', headers: { authorization: 'Bearer ' } },
      { name: 'spoofed principal header', headers: { 'x-agora-principal': '{"sub":"u-admin","role":"admin"}' } },
      { name: 'tampered token', headers: { authorization: `Bearer ${tamper(fixtures.tokens.customer)}` } },
    ];
    options.push(
      fc.tuple(parts, fc.constantFrom(...forged)).map(([valid, { name, headers }]) => {
        const request = build(operation, fixtures, valid, `credentials: ${name}`, 'anonymous', { headers });
        return { ...request, principal: 'forged' as const };
      }),
    );
    if (operation.access === 'admin') options.push(parts.map((valid) => build(operation, fixtures, valid, 'customer on an admin route', 'customer')));
  }
  const others = METHODS.filter((method) => !fixtures.methodsOf(operation.template).includes(method));
  if (others.length > 0) options.push(fc.tuple(parts, fc.constantFrom(...others)).map(([valid, method]) => build(operation, fixtures, valid, `method ${method}`, principal, { method })));
  return fc.oneof(...options);
}

/** A token whose payload claims admin while its signature is the customer's. */
function tamper(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
  return `${header}.${Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url')}.${signature}`;
}

/** Requests within the schema, by anyone, with odd headers: never a 5xx, and every success as documented. */
export function anyRequest(operation: Operation, fixtures: Fixtures): Arbitrary<Case> {
  const extraHeaders = fc.record(
    {
      traceparent: fc.oneof(fc.constant('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), fc.string({ maxLength: 80 }).filter((text) => /^[\x20-\x7e]*$/.test(text))),
      accept: fc.constantFrom('application/json', 'application/xml', '*/*', 'text/html', 'application/problem+json'),
      'accept-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'compress', '*;q=0'),
      'x-forwarded-for': fc.ipV4(),
      'x-forwarded-host': fc.constantFrom('evil.example', '127.0.0.1:1'),
    },
    { requiredKeys: [] },
  );
  return fc
    .tuple(validParts(operation, fixtures.hints), fc.constantFrom<Principal>('anonymous', 'customer', 'admin'), extraHeaders)
    .map(([parts, principal, headers]) => build(operation, fixtures, parts, 'within the schema', principal, { headers }));
}
