import assert from 'node:assert/strict';
import { it } from 'node:test';
import Fastify from 'fastify';
import { rootLogger } from '../telemetry/logger.ts';
import { refuseNulCharacters } from './nul-characters.ts';
import { installProblemHandlers } from './problem-handler.ts';

it('refuses U+0000 anywhere in params, query or body as a 400 naming the field, at any depth', async () => {
  const app = Fastify();
  installProblemHandlers(app, rootLogger());
  refuseNulCharacters(app);
  app.post('/items/:id', async () => ({ ok: true }));
  const deep = `${'['.repeat(20_000)}"a\\u0000"${']'.repeat(20_000)}`;
  const cases: Array<[string, string, string]> = [
    ['/items/a%00b', '{}', 'params/id'],
    ['/items/x?q=%00', '{}', 'querystring/q'],
    ['/items/x', '{"address":{"lines":["ok","bad\\u0000"]}}', 'body/address/lines/1'],
    ['/items/x', '{"k\\u0000":1}', 'body/k\u0000'],
  ];
  for (const [url, payload, field] of cases) {
    const response = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
    assert.equal(response.statusCode, 400, url);
    assert.deepEqual(response.json().errors, [{ field, message: 'must not contain U+0000' }]);
  }
  const nested = await app.inject({ method: 'POST', url: '/items/x', payload: deep, headers: { 'content-type': 'application/json' } });
  assert.equal(nested.statusCode, 400, 'found twenty thousand levels down, without a stack overflow');
  const clean = await app.inject({ method: 'POST', url: '/items/x?q=1', payload: '{"a":["b"]}', headers: { 'content-type': 'application/json' } });
  assert.equal(clean.statusCode, 200);
  await app.close();
});
