import assert from 'node:assert/strict';
import { connect } from 'node:net';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export interface Sent {
  method: string;
  /** Path and query, already encoded. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** One request as a client would send it; the answer's body parsed when it says it is JSON. */
export async function send(baseUrl: string, request: Sent): Promise<Answer> {
  const response = await fetch(baseUrl + request.path, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  let body: unknown = text;
  if (type.includes('json') && text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** What a refusal must look like: RFC 9457 problem+json whose status matches, with no stack trace in it. */
export function assertProblem(answer: Answer, context: string): void {
  assert.match(answer.headers.get('content-type') ?? '', /^application\/problem\+json/, `${context}: ${answer.status} is not problem+json: ${answer.text.slice(0, 300)}`);
  assert.match(answer.body?.type ?? '', /^https:\/\/agora\.dev\/problems\//, `${context}: problem type`);
  assert.equal(answer.body.status, answer.status, `${context}: problem status`);
  assertNoStackTrace(answer.text, context);
}

export function assertNoStackTrace(text: string, context: string): void {
  assert.doesNotMatch(text, /\bat [^\s]+ \(?[^\s]*\.(ts|js|mjs):\d+:\d+\)?|node:internal|node_modules/, `${context}: a stack trace or file path in the answer`);
}

export interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/**
 * Bytes straight onto a socket, for requests no HTTP client will send: oversized or undecodable
 * headers, a garbled request line. Reads until the server closes or the answer is complete.
 */
export function sendRaw(baseUrl: string, bytes: string | Uint8Array): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const finish = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, head, body: split === -1 ? '' : text.slice(split + 4) });
      socket.destroy();
    };
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer in 10 s')));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('latin1');
      const length = /\r\ncontent-length: (\d+)/i.exec(text)?.[1];
      const split = text.indexOf('\r\n\r\n');
      if (length !== undefined && split !== -1 && Buffer.byteLength(text.slice(split + 4), 'latin1') >= Number(length)) finish();
    });
    socket.on('end', finish);
    socket.on('error', (error) => (chunks.length > 0 ? finish() : reject(error)));
    socket.write(bytes);
  });
}
