import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkQueue, runWorkers } from './queue.js';
import { ExponentialRateLimiter } from './rate-limiter.js';

test('a key is queued once however often it is added', async () => {
  const q = new WorkQueue();
  q.add('a'); q.add('b'); q.add('a');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
  q.shutDown();
});

test('a key being processed is not handed out again until done, then re-queued', async () => {
  const q = new WorkQueue();
  q.add('a');
  const key = await q.get();
  assert.equal(key, 'a');
  q.add('a');
  assert.equal(q.length, 0, 'dirty but not queued while processing');
  q.done('a');
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'a');
  q.done('a');
  assert.equal(q.length, 0);
  q.shutDown();
});

test('get waits for an add; shutDown wakes waiters with undefined and is idempotent', async () => {
  const q = new WorkQueue();
  const waiting = q.get();
  q.add('x');
  assert.equal(await waiting, 'x');
  const second = q.get();
  q.shutDown();
  q.shutDown();
  assert.equal(await second, undefined);
  q.add('y');
  assert.equal(await q.get(), undefined);
});

test('exponential backoff per item, reset by forget', () => {
  const r = new ExponentialRateLimiter(5, 100);
  assert.deepEqual([r.when('a'), r.when('a'), r.when('a'), r.when('b')], [5, 10, 20, 5]);
  for (let i = 0; i < 10; i++) r.when('a');
  assert.equal(r.when('a'), 100);
  assert.equal(r.numRequeues('a'), 14);
  r.forget('a');
  assert.equal(r.when('a'), 5);
});

test('runWorkers retries failing keys with backoff and forgets them on success', async () => {
  const q = new WorkQueue({ rateLimiter: new ExponentialRateLimiter(1, 10) });
  const attempts = new Map<string, number>();
  let inFlight = 0;
  let maxInFlightSameKey = 0;
  const done = runWorkers(q, 4, async (key) => {
    inFlight++;
    maxInFlightSameKey = Math.max(maxInFlightSameKey, inFlight);
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    if (n < 3) throw new Error('not yet');
    if (attempts.get('k') === 3) q.shutDown();
  });
  q.add('k');
  await done;
  assert.equal(attempts.get('k'), 3);
  assert.equal(maxInFlightSameKey, 1, 'one key is never processed by two workers at once');
  assert.equal(q.numRequeues('k'), 0);
});
