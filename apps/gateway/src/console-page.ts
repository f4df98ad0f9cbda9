/**
 * The page `/console/` shows when the live console has not been built in this checkout: what runs
 * here, how to build the console, and where to look meanwhile. Everything on it is a real endpoint.
 */
export function consolePage(services: string[]): string {
  const rows = services.map((service) => `<li><code>${service}</code></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Agora</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}code{background:#f3f3f3;padding:0 .25rem}</style></head>
<body><h1>Agora</h1><p>A microservices reference shop. The live console is not built in this checkout: run <code>npm run build:console</code> and reload. Services running behind this gateway:</p><ul>${rows}</ul>
<ul><li><a href="/docs">API documentation</a> (<a href="/openapi.json">openapi.json</a>)</li><li><a href="/readyz">/readyz</a> · <a href="/healthz">/healthz</a> · <a href="/metrics">/metrics</a></li></ul>
</body></html>`;
}
