import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorder {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every request that reached it: method and path. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A server on 127.0.0.1 that answers everything with a key set and remembers who asked: a URL of
 * it put into a token header or a request body proves, by its empty list, that nothing fetched it.
 */
export async function startRecorder(): Promise<Recorder> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
