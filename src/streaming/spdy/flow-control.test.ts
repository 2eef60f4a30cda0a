/** Window arithmetic: stream and session windows, WINDOW_UPDATE, SETTINGS_INITIAL_WINDOW_SIZE. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_WINDOW_BYTES, SendWindows } from './flow-control.js';

test('credit is the smaller of the stream and session windows, and waits when both are spent', async () => {
  const w = new SendWindows();
  w.open(1);
  w.open(3);
  assert.equal(await w.take(1, 100_000), DEFAULT_WINDOW_BYTES);
  // Stream 3 has its own window but the session's is spent.
  let taken = -1;
  const pending = w.take(3, 10).then((n) => { taken = n; });
  await new Promise((r) => setImmediate(r));
  assert.equal(taken, -1);
  w.update(0, 4);
  await pending;
  assert.equal(taken, 4);
  w.update(0, 1000);
  w.update(1, 7);
  assert.equal(await w.take(1, 100), 7);
});

test('a new initial window size moves every open stream by the difference; gone streams get nothing', async () => {
  const w = new SendWindows();
  w.open(1);
  assert.equal(await w.take(1, 60_000), 60_000);
  w.setInitial(DEFAULT_WINDOW_BYTES + 10);
  w.update(0, 100_000);
  assert.equal(await w.take(1, 100_000), DEFAULT_WINDOW_BYTES + 10 - 60_000);
  const waiting = w.take(1, 1);
  w.forget(1);
  assert.equal(await waiting, 0);
  w.open(5);
  w.close();
  assert.equal(await w.take(5, 1), 0);
});
