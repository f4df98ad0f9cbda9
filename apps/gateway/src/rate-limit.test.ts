import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@agora/chassis';
import { RateLimiter } from './rate-limit.ts';

describe('token bucket rate limiter', () => {
  it('allows the burst, then refuses with Retry-After until tokens refill', () => {
    const limiter = new RateLimiter(2, 3);
    for (let i = 0; i < 3; i++) limiter.take('user:a', 0);
    assert.throws(
      () => limiter.take('user:a', 0),
      (error: unknown) => error instanceof AppError && error.status === 429 && error.options.headers?.['retry-after'] === '1',
    );
    // Half a second at 2/s gives one token back.
    limiter.take('user:a', 500);
    assert.throws(() => limiter.take('user:a', 500));
  });

  it('keeps one bucket per caller', () => {
    const limiter = new RateLimiter(1, 1);
    limiter.take('user:a', 0);
    limiter.take('user:b', 0);
    assert.throws(() => limiter.take('user:a', 0));
  });
});
