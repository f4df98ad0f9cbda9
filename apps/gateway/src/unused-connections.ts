import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Connections that have not sent a single byte: a browser's speculative preconnect, or the spare
 * connection a client pool opened while another was busy (a console's event stream). Node counts
 * them as waiting for a request, not idle, so `closeIdleConnections` leaves them and `close()`
 * would wait for them until the headers timeout. Nothing is in flight on them: a stop may close them.
 */
export function trackUnusedConnections(server: Server): { closeUnused(): void } {
  const unused = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('data', () => unused.delete(socket));
    socket.once('close', () => unused.delete(socket));
  });
  return {
    closeUnused() {
      for (const socket of unused) if (socket.bytesRead === 0) socket.destroy();
    },
  };
}
