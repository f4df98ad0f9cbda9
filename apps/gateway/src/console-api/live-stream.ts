import type { ServerResponse } from 'node:http';
import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import type { LiveTick } from './contract.ts';
import type { LiveSampler } from './live-sampler.ts';

/** Proxies and load balancers close a stream that stays silent; a comment line keeps it open. */
const HEARTBEAT_MS = 15_000;

/**
 * Serves the live ticks as Server-Sent Events: one `data:` line of JSON per tick, and a comment
 * line as heartbeat. The sampler runs only while at least one stream is open. Streams end when
 * their client goes away, and all of them when the gateway closes (before the server waits for
 * open requests, so a watching console never holds up a shutdown).
 */
export function registerLiveStream(app: FastifyInstance, path: string, onRequest: onRequestAsyncHookHandler, sampler: LiveSampler): void {
  const streams = new Set<ServerResponse>();
  const broadcast = (tick: LiveTick) => {
    const frame = `data: ${JSON.stringify(tick)}\n\n`;
    // A client that cannot keep up misses ticks rather than making the gateway buffer for it.
    for (const stream of streams) if (!stream.writableNeedDrain) stream.write(frame);
  };

  app.addHook('preClose', async () => {
    sampler.stop();
    for (const stream of streams) stream.end();
    streams.clear();
  });

  app.get(path, { onRequest }, async (_request, reply) => {
    // The response outlives the handler: Fastify leaves it (and compression, and the onSend hooks
    // that add the security headers) to this function.
    reply.hijack();
    const stream = reply.raw;
    stream.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-accel-buffering': 'no' });
    stream.write(`retry: 1000\n: connected\n\n`);
    const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), HEARTBEAT_MS);
    streams.add(stream);
    sampler.start(broadcast);
    stream.once('close', () => {
      clearInterval(heartbeat);
      streams.delete(stream);
      if (streams.size === 0) sampler.stop();
    });
  });
}
