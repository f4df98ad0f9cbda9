import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { consolePage } from './console-page.ts';

/** Where `npm run build:console` writes the console (apps/console/dist), beside this package. */
export const defaultConsoleDir = fileURLToPath(new URL('../../console/dist/', import.meta.url));

/**
 * The page may load only what it came with and talk only to this gateway. Styles may be inline:
 * the graph library positions nodes and edges with style attributes.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Serves the live console at `/console/`: the built single-page app, its hashed assets cached for a
 * year and its `index.html` never (so a new build is picked up on reload). A checkout where the
 * console has not been built gets a plain page that says how to build it, and the operator API
 * still works.
 */
export async function registerConsoleSite(app: FastifyInstance, consoleDir: string, services: string[]): Promise<void> {
  app.get('/', async (_request, reply) => reply.redirect('/console/'));
  if (!existsSync(join(consoleDir, 'index.html'))) {
    app.get('/console/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(consolePage(services)));
    return;
  }
  await app.register(fastifyStatic, {
    root: consoleDir,
    prefix: '/console/',
    // The assets' names carry their content hash, so a cached copy is never stale.
    setHeaders(reply, path) {
      const isPage = path.endsWith('.html');
      reply.header('cache-control', isPage ? 'no-cache' : 'public, max-age=31536000, immutable');
      if (isPage) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
    },
  });
  app.get('/console', async (_request, reply) => reply.redirect('/console/'));
}
