import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { controlSocketPath } from './control-server.ts';
import type { ProcessInfo, ProcessSpec } from './process-table.ts';

/** `agora deploy` and `agora status` talking to a running split supervisor through its socket. */
export class ControlClient {
  readonly #socketPath: string;

  constructor(dataDir: string) {
    this.#socketPath = controlSocketPath(dataDir);
  }

  /** A client, or an error that says what to start: no supervisor runs on this data folder. */
  static connect(dataDir: string): ControlClient {
    const client = new ControlClient(dataDir);
    if (!existsSync(client.#socketPath)) {
      throw new Error(`no split shop runs on ${dataDir} (no ${client.#socketPath}); start one with AGORA_TOPOLOGY=split npm start`);
    }
    return client;
  }

  processes(): Promise<ProcessInfo[]> {
    return this.#call('GET', '/processes') as Promise<ProcessInfo[]>;
  }

  start(spec: ProcessSpec): Promise<ProcessInfo> {
    return this.#call('POST', '/processes', spec) as Promise<ProcessInfo>;
  }

  supervise(id: string): Promise<ProcessInfo> {
    return this.#call('POST', `/processes/${encodeURIComponent(id)}/supervise`) as Promise<ProcessInfo>;
  }

  async stop(id: string): Promise<void> {
    await this.#call('DELETE', `/processes/${encodeURIComponent(id)}`);
  }

  #call(method: string, path: string, body?: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const outgoing = request({ socketPath: this.#socketPath, method, path, headers: { 'content-type': 'application/json' }, agent: false }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const parsed: unknown = text ? JSON.parse(text) : undefined;
          if ((response.statusCode ?? 500) >= 400) reject(new Error(`${method} ${path}: ${(parsed as { detail?: string } | undefined)?.detail ?? response.statusCode}`));
          else resolve(parsed);
        });
      });
      outgoing.setTimeout(30_000, () => outgoing.destroy(new Error(`${method} ${path}: the supervisor did not answer in 30 s`)));
      outgoing.once('error', (error: NodeJS.ErrnoException) =>
        // A socket file with nobody behind it: the supervisor was killed without cleaning up.
        reject(error.code === 'ECONNREFUSED' ? new Error(`no split shop answers on ${this.#socketPath} (a stale socket: was it killed?)`) : error),
      );
      outgoing.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }
}
