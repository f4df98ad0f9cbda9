import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The gateway the dev server forwards API calls to (`npm start` listens on 8080). */
const gateway = process.env.AGORA_URL ?? 'http://localhost:8080';

/** What the page asks the gateway for: the API, the contracts, the docs and the metrics. */
const proxy = Object.fromEntries(['/api', '/openapi.json', '/asyncapi.json', '/docs', '/metrics'].map((path) => [path, { target: gateway, changeOrigin: true }]));

// The gateway serves the built page at /console/ with the API on the same origin, so the page
// uses relative paths; `vite` (dev) and `vite preview` forward those paths to a running shop.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy },
  preview: { proxy },
});
