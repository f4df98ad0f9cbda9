import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentLogLines } from './recent-logs.ts';

const line = (fields: Record<string, unknown>) => `${JSON.stringify({ level: 'info', time: '2030-01-01T00:00:00.000Z', pid: 7, msg: 'm', ...fields })}\n`;
const TRACE = 'a'.repeat(32);

describe('recent log lines', () => {
  it('keeps only the newest lines once full', () => {
    const ring = new RecentLogLines(3);
    for (let index = 1; index <= 5; index++) ring.write(line({ service: 'orders', msg: `line ${index}` }));
    assert.equal(ring.size, 3);
    assert.deepEqual(ring.read({ service: 'orders', limit: 10 }).map((record) => record.msg), ['line 3', 'line 4', 'line 5']);
  });

  it("reads one service's lines, of one trace when asked, the newest `limit` of them, oldest first", () => {
    const ring = new RecentLogLines(100);
    ring.write(line({ service: 'orders', msg: 'first', traceId: TRACE, spanId: 'b'.repeat(16), orderId: 'o-1' }));
    ring.write(line({ service: 'inventory', msg: 'elsewhere', traceId: TRACE }));
    // Mentions the service and the trace in its fields only: not one of theirs.
    ring.write(line({ service: 'payments', msg: 'orders', note: TRACE }));
    ring.write(line({ service: 'orders', msg: 'other trace', traceId: 'c'.repeat(32) }));
    ring.write(line({ service: 'orders', msg: 'second', traceId: TRACE }));
    ring.write('not json\n');

    assert.deepEqual(ring.read({ service: 'orders', traceId: TRACE, limit: 10 }).map((record) => record.msg), ['first', 'second']);
    assert.deepEqual(ring.read({ service: 'orders', limit: 2 }).map((record) => record.msg), ['other trace', 'second']);
    const [first] = ring.read({ service: 'orders', traceId: TRACE, limit: 10 });
    assert.deepEqual(first, { time: '2030-01-01T00:00:00.000Z', level: 'info', msg: 'first', service: 'orders', traceId: TRACE, spanId: 'b'.repeat(16), pid: 7, fields: { orderId: 'o-1' } });
  });
});
