import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recentLogs, serviceLogger, REDACTED } from './logger.ts';

describe('the process logger', () => {
  it('never writes a secret: tokens, passwords and card tokens are redacted, at the top or nested', () => {
    const logger = serviceLogger('redaction-probe');
    // Whatever LOG_LEVEL the run has, this line is written.
    logger.level = 'info';
    logger.info(
      {
        authorization: 'Bearer top-secret-token',
        headers: { authorization: 'Bearer nested-secret-token', cookie: 'session=secret-cookie' },
        password: 'secret-password',
        body: { password: 'nested-password', access_token: 'secret-access-token', payment: { cardToken: 'tok_secret_card' } },
        orderId: 'o-visible',
      },
      'request with secrets',
    );
    const [record] = recentLogs({ service: 'redaction-probe', limit: 1 });
    assert.ok(record, 'the line reached the in-memory ring');
    const text = JSON.stringify(record);
    for (const secret of ['top-secret-token', 'nested-secret-token', 'secret-cookie', 'secret-password', 'nested-password', 'secret-access-token', 'tok_secret_card']) {
      assert.equal(text.includes(secret), false, `${secret} was logged`);
    }
    assert.equal(record.fields.password, REDACTED);
    assert.equal((record.fields.body as { payment: { cardToken: string } }).payment.cardToken, REDACTED);
    assert.equal(record.fields.orderId, 'o-visible', 'everything else is kept');
  });

  it('redacts at any depth and in lists, and an error stays an error with its message and stack', () => {
    const logger = serviceLogger('redaction-depth-probe');
    logger.level = 'info';
    const failure = Object.assign(new TypeError('call failed'), { request: { headers: { authorization: 'Bearer deep-error-token' } } });
    logger.error({ err: failure, calls: [{ options: { body: { payment: { card_token: 'tok_deep_card' } } } }] }, 'deep secrets');
    const [record] = recentLogs({ service: 'redaction-depth-probe', limit: 1 });
    const text = JSON.stringify(record);
    assert.equal(text.includes('deep-error-token'), false, 'a secret inside an error was logged');
    assert.equal(text.includes('tok_deep_card'), false, 'a secret inside a list was logged');
    const err = record!.fields.err as { type: string; message: string; stack: string };
    assert.deepEqual([err.type, err.message], ['TypeError', 'call failed']);
    assert.match(err.stack, /TypeError: call failed/);
    assert.equal(failure.request.headers.authorization, 'Bearer deep-error-token', 'the logged object itself is left as it was');
  });
});
