import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@agora/chassis';
import { LoginThrottle } from './login-throttle.ts';
import { RateLimiter } from './rate-limit.ts';

const answer = (status: number) => async () => ({ status, headers: {}, body: '' });
const body = (email: string) => JSON.stringify({ email, password: 'guess' });

async function statusOf(attempt: Promise<{ status: number }>): Promise<number | string> {
  try {
    return (await attempt).status;
  } catch (error) {
    assert.ok(error instanceof AppError);
    return `${error.status} retry-after ${error.options.headers?.['retry-after']}`;
  }
}

describe('sign-in throttle', () => {
  it('refuses an account after its failures are spent, whatever the password, and spares other accounts', async () => {
    const throttle = new LoginThrottle(new RateLimiter(1 / 60, 3), new RateLimiter(1, 1000));
    for (let i = 0; i < 4; i++) assert.equal(await statusOf(throttle.attempt('10.0.0.1', body('Alice@Example.com '), answer(401))), 401);
    // The same account from another address, even with the right password, is refused without being tried.
    let tried = false;
    const refused = await statusOf(throttle.attempt('10.0.0.2', body('alice@example.com'), async () => ((tried = true), { status: 200, headers: {}, body: '' })));
    assert.match(String(refused), /^429 retry-after \d+$/);
    assert.equal(tried, false);
    assert.equal(await statusOf(throttle.attempt('10.0.0.1', body('bob@example.com'), answer(200))), 200);
  });

  it('refuses an address that fails on many accounts (credential stuffing)', async () => {
    const throttle = new LoginThrottle(new RateLimiter(1, 1000), new RateLimiter(1 / 60, 5));
    for (let i = 0; i < 6; i++) assert.equal(await statusOf(throttle.attempt('10.0.0.3', body(`user${i}@example.com`), answer(401))), 401);
    assert.match(String(await statusOf(throttle.attempt('10.0.0.3', body('new@example.com'), answer(200)))), /^429/);
    assert.equal(await statusOf(throttle.attempt('10.0.0.4', body('new@example.com'), answer(200))), 200);
  });

  it('charges nothing for successful sign-ins', async () => {
    const throttle = new LoginThrottle(new RateLimiter(1 / 60, 2), new RateLimiter(1 / 60, 2));
    for (let i = 0; i < 50; i++) assert.equal(await statusOf(throttle.attempt('10.0.0.5', body('alice@example.com'), answer(200))), 200);
  });
});
