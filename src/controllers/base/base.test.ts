import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Expectations } from './expectations.js';
import { slowStartBatch } from './slow-start.js';
import { scaledValue } from './int-or-percent.js';
import { SpamFilter } from './spam-filter.js';
import { QueueController, type ControllerContext } from './controller.js';

test('slow start doubles batches and stops after the first failing batch', async () => {
  const batches: number[] = [];
  let calls = 0;
  let inFlight = 0;
  let batchPeak = 0;
  const r = await slowStartBatch(20, 1, async () => {
    calls++;
    inFlight++;
    batchPeak = Math.max(batchPeak, inFlight);
    await new Promise((res) => setImmediate(res));
    inFlight--;
    if (inFlight === 0) { batches.push(batchPeak); batchPeak = 0; }
    if (calls > 7) throw new Error('quota');
  });
  assert.deepEqual(batches, [1, 2, 4, 8]);
  assert.equal(r.successes, 7);
  assert.equal((r.error as Error).message, 'quota');
  const ok = await slowStartBatch(5, 1, async () => {});
  assert.deepEqual(ok, { successes: 5 });
});

test('expectations hold a key until every expected event is observed or the TTL passes', () => {
  let now = 0;
  const e = new Expectations(1000, () => now);
  assert.ok(e.satisfied('k'));
  e.expectCreations('k', 2);
  assert.ok(!e.satisfied('k'));
  e.creationObserved('k');
  assert.ok(!e.satisfied('k'));
  e.creationObserved('k');
  assert.ok(e.satisfied('k'));
  e.expectDeletions('k', 1);
  assert.ok(!e.satisfied('k'));
  now = 1001;
  assert.ok(e.satisfied('k'), 'expired');
});

test('intstr values scale percentages with the requested rounding', () => {
  assert.equal(scaledValue('25%', 10, true, 0), 3);
  assert.equal(scaledValue('25%', 10, false, 0), 2);
  assert.equal(scaledValue(4, 10, false, 0), 4);
  assert.equal(scaledValue(undefined, 10, false, 7), 7);
});

test('event spam filter: a burst of 25 per key, then one per 5 minutes; keys are independent', () => {
  const f = new SpamFilter();
  const t0 = 1_000_000;
  const allowed = Array.from({ length: 30 }, () => f.allow('rs-a/SuccessfulCreate', t0)).filter(Boolean).length;
  assert.equal(allowed, 25);
  assert.equal(f.allow('rs-b/SuccessfulCreate', t0), true, 'another object has its own bucket');
  assert.equal(f.allow('rs-a/SuccessfulCreate', t0 + 299_000), false, 'not refilled before 300 s');
  assert.equal(f.allow('rs-a/SuccessfulCreate', t0 + 301_000), true, 'one more after 300 s');
  assert.equal(f.allow('rs-a/SuccessfulCreate', t0 + 302_000), false);
});

test('a controller that re-queues its key at once still lets timers and I/O run between syncs', async () => {
  // A sync with no I/O (as over the in-process transport) that adds its own key again, as a
  // 409 retried at once does: without a yield per sync, it would run 10000 times in microtasks
  // before anything else got a turn.
  class Spinner extends QueueController {
    readonly name = 'spinner';
    syncs = 0;
    setup(): void {}
    protected async sync(key: string): Promise<void> {
      this.syncs++;
      if (this.syncs < 10_000) this.queue.add(key);
      else this.stop();
    }
  }
  const c = new Spinner({ log: () => undefined } as unknown as ControllerContext, 1);
  let syncsWhenTimerRan = -1;
  const timer = new Promise<void>((resolve) => setTimeout(() => { syncsWhenTimerRan = c.syncs; resolve(); }, 1));
  c.enqueue({ metadata: { name: 'x', namespace: 'default' } });
  const running = c.run();
  await timer;
  c.stop();
  await running;
  assert.ok(syncsWhenTimerRan >= 0 && syncsWhenTimerRan < 10_000, `the timer ran after ${syncsWhenTimerRan} syncs`);
});
