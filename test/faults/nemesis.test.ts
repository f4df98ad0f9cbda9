import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { outcomeOf } from './support/http.ts';
import { drawSchedule, isAlive, killAndWait, pause } from './support/nemesis.ts';

const options = { kinds: [{ kind: 'kill', holdMs: [0, 0] as [number, number] }, { kind: 'pause', holdMs: [2_500, 4_000] as [number, number] }], count: 8, firstAtMs: 3_000, gapMs: [2_000, 4_000] as [number, number] };

describe('fault nemesis', () => {
  it('draws the same schedule from the same seed, another from another', () => {
    assert.deepEqual(drawSchedule({ seed: 42, ...options }), drawSchedule({ seed: 42, ...options }));
    assert.notDeepEqual(drawSchedule({ seed: 42, ...options }), drawSchedule({ seed: 43, ...options }));
  });

  it('draws every kind once before any kind twice', () => {
    for (const seed of [1, 2, 3, 4, 5]) assert.deepEqual(new Set(drawSchedule({ seed, ...options }).slice(0, 2).map((fault) => fault.kind)), new Set(['kill', 'pause']));
  });

  it('keeps each fault within its bounds, one after another', () => {
    const schedule = drawSchedule({ seed: 7, ...options });
    assert.equal(schedule.length, 8);
    assert.equal(schedule[0]!.atMs, 3_000);
    for (const [i, fault] of schedule.entries()) {
      if (fault.kind === 'pause') assert.ok(fault.holdMs >= 2_500 && fault.holdMs <= 4_000);
      else assert.equal(fault.holdMs, 0);
      if (i > 0) assert.ok(fault.atMs >= schedule[i - 1]!.atMs + schedule[i - 1]!.holdMs + 2_000);
    }
  });

  it('pauses a process and lets it go on, then kills it', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => process.stdout.write("."), 20)'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let ticks = 0;
    child.stdout.on('data', (chunk) => (ticks += String(chunk).length));
    await new Promise((done) => setTimeout(done, 300));
    let during = 0;
    await Promise.all([
      pause(child.pid!, 400),
      new Promise<void>((done) => setTimeout(() => { const at = ticks; setTimeout(() => { during = ticks - at; done(); }, 250); }, 100)),
    ]);
    assert.equal(during, 0, 'no output while stopped');
    const resumed = ticks;
    await new Promise((done) => setTimeout(done, 200));
    assert.ok(ticks > resumed, 'output again after SIGCONT');
    await killAndWait(child.pid!);
    assert.equal(isAlive(child.pid!), false);
  });

  it('counts a 5xx as an unknown outcome, a 4xx as refused', () => {
    assert.deepEqual([202, 200, 409, 422, 429, 500, 503, 504].map(outcomeOf), ['ok', 'ok', 'fail', 'fail', 'fail', 'info', 'info', 'info']);
  });
});
