import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { assertProblem, send, type Answer } from './support/http.ts';
import { operationsOf, type OpenApi, type Operation } from './support/operations.ts';
import { anyRequest, refusedRequest, type Case, type Fixtures } from './support/requests.ts';
import { assertNothingLeaked, SecurityShop } from './support/security-shop.ts';
import { settledState } from './support/shop-state.ts';
import { checkout } from '../support/client.ts';

/**
 * Property-based fuzzing of every operation in the gateway's /openapi.json. A fixed seed by default
 * (AGORA_FUZZ_SEED to change it), AGORA_FUZZ_RUNS cases of each kind per operation, and 500 of each
 * with `npm run test:security -- --full` or AGORA_FUZZ_FULL=1.
 */
const FULL = process.argv.includes('--full') || process.env.AGORA_FUZZ_FULL === '1';
const RUNS = Math.max(FULL ? 500 : 1, Number(process.env.AGORA_FUZZ_RUNS ?? (FULL ? 500 : 50)));
const SEED = Number(process.env.AGORA_FUZZ_SEED ?? 20_260_601);
const BODY_LIMIT = 64 * 1024;

const tally = new Map<string, { refused: number; within: number; statuses: Map<number, number> }>();

function count(operation: Operation, phase: 'refused' | 'within', status: number): void {
  const entry = tally.get(operation.id) ?? { refused: 0, within: 0, statuses: new Map<number, number>() };
  entry[phase]++;
  entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
  tally.set(operation.id, entry);
}

function describeCase(request: Case): string {
  const body = request.body instanceof Uint8Array ? `<${request.body.length} bytes>` : (request.body ?? '').slice(0, 200);
  return `${request.kind} (${request.principal}): ${request.method} ${request.path.slice(0, 200)} ${body}`;
}

describe(`fuzzing every operation of /openapi.json (seed ${SEED}, ${RUNS} refused + ${RUNS} in-schema cases each)`, () => {
  let shop: SecurityShop;
  let operations: Operation[];
  let fixtures: Fixtures;
  let users: Record<string, string>;
  let initial: Awaited<ReturnType<typeof settledState>>;

  before(async () => {
    // Wrong passwords are part of the input here; the sign-in throttle is tested in owasp-api.test.ts.
    shop = await SecurityShop.start({ LOGIN_FAILURES_PER_ADDRESS: '1000000', LOGIN_FAILURES_PER_ACCOUNT: '1000000' });
    const customer = await shop.customer('Fuzzer');
    const admin = await shop.token('admin@example.com', 'admin-password');
    const shipped = await shop.api.placeOrder(customer.token, [{ productId: 'p-cable', quantity: 1 }]);
    const declined = await shop.api.placeOrder(customer.token, [{ productId: 'p-mouse', quantity: 1 }], 'tok_declined');
    await shop.api.waitForStatus(customer.token, shipped.body.id, ['SHIPPED']);
    await shop.api.waitForStatus(customer.token, declined.body.id, ['CANCELLED']);

    const document = (await send(shop.url, { method: 'GET', path: '/openapi.json' })).body as OpenApi;
    operations = operationsOf(document);
    const products = (await shop.api.request('GET', '/api/v1/products?limit=100')).body.items.map((product: { id: string }) => product.id) as string[];
    const orders = [shipped.body.id as string, declined.body.id as string];
    fixtures = {
      tokens: { customer: customer.token, admin },
      bodyLimit: BODY_LIMIT,
      methodsOf: (template) => Object.keys(document.paths[template] ?? {}).map((method) => method.toUpperCase()),
      hints: {
        id: fc.constantFrom(...products, ...orders),
        productId: fc.constantFrom(...products),
        orderId: fc.constantFrom(...orders),
        email: fc.constantFrom('alice@example.com', 'admin@example.com', customer.email),
        password: fc.constantFrom(customer.password, 'not-the-password'),
        cardToken: fc.constantFrom('tok_visa', 'tok_declined'),
        currency: fc.constantFrom('EUR', 'USD'),
        country: fc.constantFrom('NL', 'DE'),
      },
    };
    for (const operation of operations) if (operation.template.startsWith('/api/v1/orders/{id}')) fixtures.hints[`${operation.template}#id`] = fc.constantFrom(...orders);
    // Which secured operations are admin-only: a customer is refused with 403 before anything else is looked at.
    for (const operation of operations.filter((candidate) => candidate.secured)) {
      const path = operation.template.replace(/\{[^}]+\}/g, 'probe');
      const answer = await send(shop.url, { method: operation.method, path, headers: { authorization: `Bearer ${customer.token}` } });
      operation.access = answer.status === 403 ? 'admin' : 'user';
    }
    users = { customer: customer.token, admin };
    initial = await settledState(shop.api, admin, users);
    console.log(`fuzz: seed ${SEED}; ${RUNS} refused and ${RUNS} in-schema cases per operation${FULL ? ' (full run)' : ' (AGORA_FUZZ_FULL=1 or --full for 500 each)'}`);
  });
  after(() => shop?.stop());

  it('finds every operation of the published document', () => {
    assert.ok(operations.length >= 19, `only ${operations.length} operations`);
    for (const id of ['identity.issueToken', 'orders.placeOrder', 'catalog.createProduct', 'inventory.setStock']) assert.ok(operations.some((operation) => operation.id === id), id);
    assert.equal(operations.find((operation) => operation.id === 'inventory.setStock')?.access, 'admin');
    assert.equal(operations.find((operation) => operation.id === 'orders.placeOrder')?.access, 'user');
  });

  describe('bad input: a 4xx problem+json, never a 5xx', () => {
    const check = (operation: Operation) => async () => {
      await fc.assert(
        fc.asyncProperty(refusedRequest(operation, fixtures), async (request) => {
          const answer = await send(shop.url, request);
          count(operation, 'refused', answer.status);
          assert.ok(answer.status >= 400 && answer.status < 500, `${answer.status} for ${describeCase(request)}: ${answer.text.slice(0, 300)}`);
          assertProblem(answer, describeCase(request));
        }),
        { numRuns: RUNS, seed: SEED },
      );
    };
    // One test per operation, so a failure names it; the list is read from the document at run time.
    it('every operation', async (t) => {
      for (const operation of operations) await t.test(`${operation.method} ${operation.template} (${operation.id})`, check(operation));
    });
  });

  it('changed nothing: products, stock, orders, ledger and published events as before', async () => {
    const now = await settledState(shop.api, fixtures.tokens.admin, users);
    assert.deepEqual(now, initial);
  });

  describe('input within the schema, by anyone: never a 5xx, every success as documented', () => {
    const conforms = (operation: Operation, request: Case, answer: Answer) => {
      const context = describeCase(request);
      assert.ok(answer.status < 500, `${answer.status} for ${context}: ${answer.text.slice(0, 300)}`);
      if (answer.status >= 400) return assertProblem(answer, context);
      const validate = operation.success.get(answer.status);
      assert.ok(validate, `${context}: ${answer.status} is not a documented answer of ${operation.id}`);
      assert.match(answer.headers.get('content-type') ?? '', /^application\/json/, context);
      assert.ok(validate(answer.body), `${context}: the body breaks the documented schema: ${JSON.stringify(validate.errors)} ${answer.text.slice(0, 300)}`);
    };
    it('every operation', async (t) => {
      for (const operation of operations) {
        await t.test(`${operation.method} ${operation.template} (${operation.id})`, async () => {
          await fc.assert(
            fc.asyncProperty(anyRequest(operation, fixtures), async (request) => {
              const answer = await send(shop.url, request);
              count(operation, 'within', answer.status);
              conforms(operation, request, answer);
            }),
            { numRuns: RUNS, seed: SEED },
          );
        });
      }
    });
  });

  it('a valid checkout still goes through after the run', async () => {
    const customer = await shop.customer('After');
    const placed = await shop.api.request('POST', '/api/v1/orders', { token: customer.token, body: checkout([{ productId: 'p-cable', quantity: 1 }]), headers: { 'idempotency-key': 'after-fuzz' } });
    assert.equal(placed.status, 202, JSON.stringify(placed.body));
  });

  it('reports the cases run per operation', () => {
    const rows = [...tally.entries()].map(([id, entry]) => {
      const statuses = [...entry.statuses.entries()].sort(([a], [b]) => a - b).map(([status, times]) => `${status}×${times}`).join(' ');
      return `  ${id.padEnd(28)} ${String(entry.refused).padStart(5)} ${String(entry.within).padStart(7)}  ${statuses}`;
    });
    console.log(`fuzz: cases per operation (seed ${SEED})\n  ${'operation'.padEnd(28)} ${'bad'.padStart(5)} ${'schema'.padStart(7)}  statuses\n${rows.join('\n')}`);
    for (const operation of operations) {
      const entry = tally.get(operation.id);
      assert.ok(entry && entry.refused >= RUNS && entry.within >= RUNS, `${operation.id} ran ${entry?.refused}/${entry?.within} cases`);
    }
  });

  it('wrote none of the secrets it used into the logs', () => assertNothingLeaked(shop));
});
