/**
 * The live console in a real Chromium against a running Agora (the topology under test comes from
 * AGORA_TOPOLOGY). Each state the issue names is reached through the page itself and saved as a
 * screenshot in test-results/console/.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { services } from '../../topology.ts';
import { launchBrowser, type ConsoleBrowser } from '../support/browser.ts';
import { ShopClient, checkout } from '../support/client.ts';
import { launchShop, suiteEnv, type ShopProcess } from '../support/shop-process.ts';

const topology = suiteEnv().AGORA_TOPOLOGY;
const byTestId = (id: string) => `[data-testid="${id}"]`;

/** The number a counter shows (`1,234`, `12.5/s` …), or NaN. */
async function numberIn(page: Page, testId: string): Promise<number> {
  const text = (await page.locator(byTestId(testId)).first().textContent()) ?? '';
  return Number(text.replace(/,/g, '').match(/-?[0-9.]+/)?.[0] ?? Number.NaN);
}

async function waitUntil(page: Page, what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await page.waitForTimeout(250);
  }
}

/** Every edge of the graph is drawn (a line per edge, as many as at the start) and the gateway → orders rate shows. */
async function assertEdgesDrawn(page: Page, expected: number, when: string): Promise<void> {
  assert.equal(await page.locator('.react-flow__edge').count(), expected, `every edge is drawn ${when}`);
  assert.ok(await page.locator(byTestId('edge-rate-call:gateway->orders')).isVisible(), `the gateway → orders rate shows ${when}`);
}

/** For `ms`, the animation frames in which the graph drew fewer than `expected` edges (each tick rebuilds the graph). */
async function framesMissingEdges(page: Page, ms: number, expected: number): Promise<number> {
  // A string: this runs in the page, and the tests are type-checked without the DOM's types.
  return (await page.evaluate(`new Promise((resolve) => {
    const end = performance.now() + ${ms};
    let missing = 0;
    const frame = () => {
      if (document.querySelectorAll('.react-flow__edge').length < ${expected}) missing++;
      if (performance.now() < end) requestAnimationFrame(frame);
      else resolve(missing);
    };
    requestAnimationFrame(frame);
  })`)) as number;
}

async function openTab(page: Page, name: string): Promise<void> {
  await page.locator(byTestId(`tab-${name}`)).click();
}

describe(`live console in Chromium (${topology} topology)`, () => {
  let shop: ShopProcess;
  let browser: ConsoleBrowser;
  let page: Page;
  let api: ShopClient;
  /** Edges drawn once the graph is up: later states must still show every one of them. */
  let edgesDrawn = 0;

  before(async () => {
    shop = await launchShop();
    api = new ShopClient(shop.url);
    browser = await launchBrowser();
    page = await browser.open(`${shop.url}/console/`);
    await page.locator(byTestId('signin-submit')).click();
    await page.locator(byTestId('graph')).waitFor();
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it('draws every service, its database, the bus and the gateway from the running system', async () => {
    for (const service of services) {
      await page.locator(byTestId(`node-${service.name}`)).waitFor();
      await page.locator(byTestId(`node-db:${service.name}`)).waitFor();
    }
    await page.locator(byTestId('node-gateway')).waitFor();
    await page.locator(byTestId('node-bus')).waitFor();
    await page.locator(byTestId('edge-rate-call:gateway->orders')).waitFor();
    edgesDrawn = await page.locator('.react-flow__edge').count();
    assert.ok(edgesDrawn > services.length, `calls, storage and events are drawn (${edgesDrawn} edges)`);
    await browser.screenshot(page, `${topology}-1-topology`);
  });

  it('starting traffic from the page makes the request counters and the edges move', async () => {
    // Traffic and chaos controls sit beside the graph, so their effects show on it.
    const before = await numberIn(page, 'service-requests-catalog');
    await page.locator(byTestId('traffic-rate')).fill('20');
    await page.locator(byTestId('traffic-start')).click();
    await waitUntil(page, 'catalog requests to rise', async () => (await numberIn(page, 'service-requests-catalog')) > (Number.isNaN(before) ? 0 : before));
    await waitUntil(page, 'a request dot on an edge', async () => (await page.locator(byTestId('edge-dot')).count()) > 0);
    await waitUntil(page, 'checkouts by the generator', async () => (await numberIn(page, 'traffic-count-checkout')) > 0);
    assert.equal(await framesMissingEdges(page, 3000, edgesDrawn), 0, 'no frame loses edges while the ticks update the graph');
    await browser.screenshot(page, `${topology}-2-traffic`);
  });

  it('errors injected into catalog open its breaker and the fallback counter rises', async () => {
    const fallbacksBefore = await numberIn(page, 'fallback-count');
    await page.locator(byTestId('chaos-catalog-errors')).fill('100');
    await page.locator(byTestId('chaos-catalog-apply')).click();
    await waitUntil(page, 'the orders → catalog breaker to open', async () => ((await page.locator(byTestId('breaker-orders->catalog')).first().textContent()) ?? '').includes('open'));
    await waitUntil(page, 'fallbacks to rise', async () => (await numberIn(page, 'fallback-count')) > (Number.isNaN(fallbacksBefore) ? 0 : fallbacksBefore));
    await browser.screenshot(page, `${topology}-3-catalog-errors`);
    await page.locator(byTestId('chaos-catalog-errors')).fill('0');
    await page.locator(byTestId('chaos-catalog-apply')).click();
    await page.locator(byTestId('traffic-stop')).click();
  });

  it('an order placed through the API shows its saga timeline and its trace', async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    const placed = await api.request('POST', '/api/v1/orders', { token: alice, headers: { 'idempotency-key': randomUUID() }, body: checkout([{ productId: 'p-mouse', quantity: 1 }]) });
    assert.equal(placed.status, 202);
    const orderId = (placed.body as { id: string }).id;
    await api.waitForStatus(alice, orderId, ['SHIPPED']);

    await openTab(page, 'sagas');
    await page.locator(byTestId('saga-order-input')).fill(orderId);
    await page.locator(byTestId('saga-order-input')).press('Enter');
    await page.locator(byTestId('saga-timeline')).waitFor();
    await waitUntil(page, 'the shipped step', async () => ((await page.locator(byTestId('saga-timeline')).textContent()) ?? '').includes('SHIPPED'));
    const steps = await page.locator(byTestId('saga-step')).allTextContents();
    for (const expected of ['order.created', 'inventory.reserved', 'payment.captured', 'SHIPPED']) assert.ok(steps.some((step) => step.includes(expected)), `a step mentions ${expected}: ${steps.join(' | ')}`);
    await browser.screenshot(page, `${topology}-4-saga`);

    await page.locator(byTestId('saga-trace-link')).click();
    await page.locator(byTestId('trace-waterfall')).waitFor();
    const spanServices = await page.locator(byTestId('trace-span')).evaluateAll((spans) => spans.map((span) => span.getAttribute('data-service')));
    assert.ok(new Set(spanServices).size >= 3, `the trace crosses services: ${spanServices.join(', ')}`);
    await browser.screenshot(page, `${topology}-5-trace`);
  });

  it("clicking a service shows its health, RED metrics, contract, instances and a trace's logs", async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    const placed = await api.request('POST', '/api/v1/orders', { token: alice, headers: { 'idempotency-key': randomUUID() }, body: checkout([{ productId: 'p-cable', quantity: 1 }]) });
    const traceId = placed.headers.get('x-trace-id') ?? '';
    assert.match(traceId, /^[0-9a-f]{32}$/);

    await openTab(page, 'topology');
    await page.locator(byTestId('node-orders')).click();
    const panel = page.locator(byTestId('service-panel'));
    await panel.waitFor();
    assert.equal(await panel.getAttribute('data-service'), 'orders');
    await waitUntil(page, 'readiness', async () => (await page.locator(byTestId('service-ready')).textContent()) === 'ready');
    await page.locator(byTestId('service-red')).waitFor();
    await waitUntil(page, 'the contract', async () => ((await page.locator(byTestId('service-contract')).textContent()) ?? '').includes('/api/v1/orders'));
    const contract = (await page.locator(byTestId('service-contract')).textContent()) ?? '';
    for (const expected of ['order.created.v1', 'payment.captured.v1']) assert.ok(contract.includes(expected), `the contract lists ${expected}`);
    assert.ok((await page.locator(`${byTestId('service-instances')} tbody tr`).count()) >= 1, 'at least one instance is listed');

    await page.locator(byTestId('service-logs-trace')).fill(traceId);
    await page.locator(byTestId('service-logs-load')).click();
    await waitUntil(page, "the order's log lines", async () => (await page.locator(byTestId('log-line')).count()) > 0);
    await browser.screenshot(page, `${topology}-6-service-panel`);
    await assertEdgesDrawn(page, edgesDrawn, 'beside the service panel');
    await page.locator(byTestId('service-panel-close')).click();
  });

  it('stopping shipping from the page holds orders back until it starts again', async () => {
    await openTab(page, 'topology');
    const toggle = page.locator(byTestId('chaos-shipping-stop'));
    await toggle.click();
    await waitUntil(page, 'shipping to show as stopped', async () => (await page.locator(byTestId('node-shipping')).getAttribute('data-state')) === 'stopped');
    const alice = await api.token('alice@example.com', 'alice-password');
    const placed = await api.request('POST', '/api/v1/orders', { token: alice, headers: { 'idempotency-key': randomUUID() }, body: checkout([{ productId: 'p-cable', quantity: 1 }]) });
    assert.equal(placed.status, 202);
    const orderId = (placed.body as { id: string }).id;
    await api.waitForStatus(alice, orderId, ['CONFIRMED']);
    // Its events wait on the bus while it is down, and the page says how many.
    await waitUntil(page, 'events waiting for shipping', async () => (await numberIn(page, 'waiting-shipping')) > 0);
    await browser.screenshot(page, `${topology}-7-shipping-stopped`);
    await assertEdgesDrawn(page, edgesDrawn, 'with shipping stopped');
    assert.equal(((await api.request('GET', `/api/v1/orders/${orderId}`, { token: alice })).body as { status: string }).status, 'CONFIRMED');

    assert.equal(await toggle.getAttribute('data-running'), 'false');
    await toggle.click();
    await waitUntil(page, 'shipping to be up again', async () => (await page.locator(byTestId('node-shipping')).getAttribute('data-state')) === 'up');
    await api.waitForStatus(alice, orderId, ['SHIPPED'], 30_000);
    await waitUntil(page, 'the waiting events to drain', async () => (await numberIn(page, 'waiting-shipping')) === 0);
  });

  it('refuses the operator actions to a customer (403)', async () => {
    const alice = await api.token('alice@example.com', 'alice-password');
    const attempts = [
      api.request('PUT', '/api/v1/admin/traffic', { token: alice, body: { rate: 5 } }),
      api.request('DELETE', '/api/v1/admin/traffic', { token: alice }),
      api.request('PUT', '/api/v1/admin/services/catalog/faults', { token: alice, body: { latencyMs: 0, errorRate: 1 } }),
      api.request('POST', '/api/v1/admin/services/catalog/stop', { token: alice }),
      api.request('POST', '/api/v1/admin/services/catalog/start', { token: alice }),
    ];
    for (const answer of await Promise.all(attempts)) assert.equal(answer.status, 403);
  });

  it('the storefront checks out with one click, and a declined card is compensated', async () => {
    await openTab(page, 'shop');
    await page.locator(byTestId('shop-signin-submit')).click();
    await page.locator(byTestId('shop-add-p-cable')).click();
    await page.locator(byTestId('shop-checkout')).click();
    await waitUntil(page, 'the order to ship', async () => ((await page.locator(byTestId('shop-order-status')).textContent()) ?? '').includes('SHIPPED'));
    await browser.screenshot(page, `${topology}-8-shop`);
    await page.locator(byTestId('shop-add-p-cable')).click();
    await page.locator(byTestId('shop-checkout-declined')).click();
    await waitUntil(page, 'the declined order to be cancelled', async () => ((await page.locator(byTestId('shop-order-status')).textContent()) ?? '').includes('CANCELLED'));

    // Its saga shows the compensation.
    const declinedId = ((await page.locator(byTestId('shop-order-id')).textContent()) ?? '').trim();
    assert.match(declinedId, /^o-/);
    await openTab(page, 'sagas');
    await page.locator(byTestId('saga-order-input')).fill(declinedId);
    await page.locator(byTestId('saga-order-input')).press('Enter');
    await waitUntil(page, 'a compensation step', async () => (await page.locator(`${byTestId('saga-step')}[data-compensation="true"]`).count()) > 0);
    assert.ok(((await page.locator(byTestId('saga-timeline')).textContent()) ?? '').includes('payment.declined'), 'the timeline shows the decline');
  });

  it('fits a narrow window and is reachable from the keyboard', async () => {
    const narrow = await browser.open(`${shop.url}/console/`, { width: 400, height: 860 });
    await narrow.locator(byTestId('signin-submit')).click();
    await narrow.locator(byTestId('graph')).waitFor();
    const overflow = (await narrow.evaluate('document.documentElement.scrollWidth - window.innerWidth')) as number;
    assert.ok(overflow <= 0, `no horizontal scrolling (${overflow} px too wide)`);
    await browser.screenshot(narrow, `${topology}-9-narrow`);

    // Tab from the top of the page to the sagas tab, and open it with Enter.
    let reached = false;
    for (let presses = 0; presses < 40 && !reached; presses++) {
      await narrow.keyboard.press('Tab');
      reached = (await narrow.evaluate("document.activeElement?.getAttribute('data-testid')")) === 'tab-sagas';
    }
    assert.ok(reached, 'the sagas tab is reachable with Tab');
    await narrow.keyboard.press('Enter');
    await narrow.locator(byTestId('saga-order-input')).waitFor();
  });

  it('logged no errors or warnings in the browser console', () => {
    assert.deepEqual(browser.problems, []);
  });
});
