import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ShopClient, eventually } from '../support/client.ts';
import { launchShop, type ShopProcess } from '../support/shop-process.ts';

interface ExportedSpan {
  traceId: string;
  name: string;
}

/** A stand-in OpenTelemetry collector: accepts OTLP/HTTP JSON on /v1/traces and keeps the spans. */
function fakeCollector(received: ExportedSpan[]): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += String(chunk)));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: ExportedSpan[] }> }> };
        for (const resource of payload.resourceSpans) for (const scope of resource.scopeSpans) received.push(...scope.spans);
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((ready) => server.listen(0, '127.0.0.1', () => ready({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

describe('trace export over OTLP when an endpoint is configured', () => {
  const received: ExportedSpan[] = [];
  let collector: Server;
  let shop: ShopProcess;

  before(async () => {
    const fake = await fakeCollector(received);
    collector = fake.server;
    shop = await launchShop({ OTEL_EXPORTER_OTLP_ENDPOINT: fake.url });
  });
  after(async () => {
    await shop.stop();
    collector.close();
  });

  it("exports the checkout's spans, from the gateway to the last consumer, under one trace id", async () => {
    const api = new ShopClient(shop.url);
    const alice = await api.token('alice@example.com', 'alice-password');
    const placed = await api.placeOrder(alice, [{ productId: 'p-cable', quantity: 1 }]);
    await api.waitForStatus(alice, placed.body.id, ['SHIPPED']);
    const traceId = placed.headers.get('x-trace-id')!;
    const names = await eventually(async () => {
      const inTrace = received.filter((span) => span.traceId === traceId).map((span) => span.name);
      return inTrace.includes('gateway.orders.placeOrder') && inTrace.includes('orders.consume shipment.created.v1') ? inTrace : undefined;
    }, 10_000, 'exported spans of the checkout trace');
    assert.ok(names.includes('orders.placeOrder'));
  });
});
