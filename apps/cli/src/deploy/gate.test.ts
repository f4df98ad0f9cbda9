import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { observeGate, workCounts } from './gate.ts';

/** An instance whose /metrics says what the test sets, and whose /readyz answers as told. */
function fakeInstance(): { server: Server; url: Promise<string>; metrics: { text: string }; ready: { ok: boolean } } {
  const metrics = { text: '' };
  const ready = { ok: true };
  const server = createServer((request, response) => {
    if (request.url === '/metrics') response.end(metrics.text);
    else response.writeHead(ready.ok ? 200 : 503).end();
  });
  const url = new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}`)));
  return { server, url, metrics, ready };
}

const sample = (ok: number, failed: number, deliveries = 0, retried = 0) =>
  [
    `agora_http_requests_total{service="orders",method="GET",route="/api/v1/orders",status="200"} ${ok}`,
    `agora_http_requests_total{service="orders",method="GET",route="/api/v1/orders",status="500"} ${failed}`,
    `agora_http_requests_total{service="orders",method="GET",route="/readyz",status="503"} 1000`,
    `agora_http_requests_total{service="catalog",method="GET",route="/api/v1/products",status="500"} 1000`,
    `agora_events_consumed_total{service="orders",consumer="c",type="t",outcome="ok"} ${deliveries}`,
    `agora_events_consumed_total{service="orders",consumer="c",type="t",outcome="retry"} ${retried}`,
  ].join('\n');

describe('the deploy gate', () => {
  const instance = fakeInstance();
  let url: string;
  before(async () => {
    url = await instance.url;
  });
  after(() => instance.server.close());

  it("counts the service's own requests and deliveries, not probes or other services", async () => {
    instance.metrics.text = sample(90, 10, 5, 2);
    assert.deepEqual(await workCounts(url, 'orders'), { total: 107, errors: 12 });
  });

  it('fails a release whose error rate over the window is above the gate, early', async () => {
    instance.metrics.text = sample(0, 0);
    const verdict = observeGate([url], 'orders', { errorRate: 0.1, observeSeconds: 30, minRequests: 10 }, async () => true, new AbortController().signal);
    setTimeout(() => (instance.metrics.text = sample(40, 10)), 300);
    const started = Date.now();
    const result = await verdict;
    assert.equal(result.passed, false);
    assert.ok(!result.passed && /error rate 20\.0% > 10\.0%/.test(result.reason), JSON.stringify(result));
    assert.ok(Date.now() - started < 5_000, 'it does not wait out the window');
  });

  it('passes a release within the gate, and says when too little traffic came to judge it', async () => {
    instance.metrics.text = sample(0, 0);
    const judged = observeGate([url], 'orders', { errorRate: 0.1, observeSeconds: 1, minRequests: 10 }, async () => true, new AbortController().signal);
    setTimeout(() => (instance.metrics.text = sample(95, 5)), 300);
    assert.deepEqual(await judged, { passed: true, counts: { total: 100, errors: 5 }, judged: true });

    const quiet = await observeGate([url], 'orders', { errorRate: 0.1, observeSeconds: 1, minRequests: 1_000 }, async () => true, new AbortController().signal);
    assert.equal(quiet.passed && quiet.judged, false, 'not judged on too few requests');
  });

  it('fails a release that stops being ready, or whose process exits, or when interrupted', async () => {
    instance.metrics.text = sample(0, 0);
    instance.ready.ok = false;
    const notReady = await observeGate([url], 'orders', { errorRate: 0.1, observeSeconds: 2, minRequests: 10 }, async () => true, new AbortController().signal);
    assert.ok(!notReady.passed && /not ready/.test(notReady.reason));
    instance.ready.ok = true;
    const exited = await observeGate([url], 'orders', { errorRate: 0.1, observeSeconds: 2, minRequests: 10 }, async () => false, new AbortController().signal);
    assert.ok(!exited.passed && /exited/.test(exited.reason));
    const interrupt = new AbortController();
    interrupt.abort();
    const interrupted = await observeGate([url], 'orders', { errorRate: 0.1, observeSeconds: 2, minRequests: 10 }, async () => true, interrupt.signal);
    assert.ok(!interrupted.passed && /interrupted/.test(interrupted.reason));
  });
});
