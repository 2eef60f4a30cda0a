/**
 * The conformance suite every Store backend runs:
 *
 *   runStoreConformance('sqlite', () => openSqliteStore(':memory:'));
 *
 * Each test opens a fresh store, uses keys under its own prefix and reads revisions
 * relative to the revision it found, so a backend whose store is shared (an etcd server)
 * can run it as well. Every store a test opens is closed, also when the test fails.
 */
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyValue, RangeResult, ReadAtRevisionError, Store, WatchEvent } from './types.js';
import { isReadError } from './keys.js';

export type OpenStore = () => Promise<Store>;

let prefixCounter = 0;
/** A key prefix no other test of this process uses. */
function freshPrefix(): string {
  prefixCounter += 1;
  return `/conformance/${process.pid}-${Date.now()}-${prefixCounter}/`;
}

async function openFor(t: TestContext, open: OpenStore): Promise<{ store: Store; p: string; base: number }> {
  const store = await open();
  t.after(() => store.close());
  return { store, p: freshPrefix(), base: await store.currentRevision() };
}

function okRange(result: RangeResult | ReadAtRevisionError): RangeResult {
  if (isReadError(result)) assert.fail(`range failed: ${result.reason}`);
  return result;
}

function okGet(result: KeyValue | undefined | ReadAtRevisionError): KeyValue | undefined {
  if (isReadError(result)) assert.fail(`get failed: ${result.reason}`);
  return result;
}

async function mustCreate(store: Store, key: string, value: string): Promise<KeyValue> {
  const r = await store.create(key, value);
  if (!r.ok) assert.fail(`create ${key}: ${r.reason}`);
  return r.kv;
}

/** Collects a watch's events; waitFor resolves once n have arrived (or fails after a timeout). */
export function collectWatch(store: Store, prefix: string, afterRevision: number) {
  const events: WatchEvent[] = [];
  const errors: string[] = [];
  let wake: (() => void) | undefined;
  const watch = store.watch(prefix, {
    afterRevision,
    onEvent: (e) => { events.push(e); wake?.(); },
    onError: (reason) => { errors.push(reason); wake?.(); },
  });
  const waitUntil = async (done: () => boolean, what: string, timeoutMs = 5000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`timed out waiting for ${what}; have ${events.length} events, errors [${errors.join(',')}]`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 50));
        wake = () => { clearTimeout(timer); resolve(); };
      });
    }
  };
  return {
    events, errors, watch,
    waitForEvents: (n: number) => waitUntil(() => events.length >= n, `${n} events`),
    waitForError: () => waitUntil(() => errors.length > 0, 'an error'),
  };
}

/** Lets queued deliveries run, to show that nothing more arrives. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 30));

export function runStoreConformance(name: string, open: OpenStore): void {
  describe(`Store conformance: ${name}`, () => {
    test('every successful write advances the revision by exactly one; failed writes do not', async (t) => {
      const { store, p, base } = await openFor(t, open);
      const a = await store.create(`${p}a`, '1');
      assert.ok(a.ok);
      assert.equal(a.revision, base + 1);
      assert.deepEqual(a.kv, { key: `${p}a`, value: '1', createRevision: base + 1, modRevision: base + 1 });
      const u = await store.update(`${p}a`, '2', base + 1);
      assert.ok(u.ok);
      assert.equal(u.revision, base + 2);
      assert.equal(u.kv.createRevision, base + 1, 'update keeps createRevision');
      assert.equal((await store.create(`${p}a`, 'x')).ok, false);
      assert.equal((await store.update(`${p}a`, 'x', base + 1)).ok, false);
      const d = await store.delete(`${p}a`);
      assert.ok(d.ok);
      assert.equal(d.revision, base + 3);
      assert.equal(await store.currentRevision(), base + 3);
    });

    test('get returns the current value; get at an older revision returns the value then', async (t) => {
      const { store, p, base } = await openFor(t, open);
      await mustCreate(store, `${p}k`, 'v1');
      await store.update(`${p}k`, 'v2', base + 1);
      await store.delete(`${p}k`);
      assert.equal(okGet(await store.get(`${p}k`)), undefined);
      assert.equal(okGet(await store.get(`${p}k`, { revision: base + 1 }))?.value, 'v1');
      assert.deepEqual(okGet(await store.get(`${p}k`, { revision: base + 2 })), { key: `${p}k`, value: 'v2', createRevision: base + 1, modRevision: base + 2 });
      assert.equal(okGet(await store.get(`${p}k`, { revision: base + 3 })), undefined);
      if (base === 0) assert.equal(okGet(await store.get(`${p}k`, { revision: 0 })), undefined);
      const future = await store.get(`${p}k`, { revision: base + 100 });
      assert.ok(isReadError(future) && future.reason === 'future');
      const futureRange = await store.range(p, { revision: base + 100 });
      assert.ok(isReadError(futureRange) && futureRange.reason === 'future');
    });

    test('range lists keys under the prefix in key order, now and at an older revision', async (t) => {
      const { store, p, base } = await openFor(t, open);
      await mustCreate(store, `${p}b`, 'B');
      await mustCreate(store, `${p}a`, 'A');
      await mustCreate(store, `${p.slice(0, -1)}x`, 'outside'); // shares the prefix minus its slash
      await mustCreate(store, `${p}c`, 'C');
      await store.delete(`${p}a`);
      await store.update(`${p}b`, 'B2', base + 1);
      const now = okRange(await store.range(p));
      assert.deepEqual(now.items.map((kv) => [kv.key, kv.value]), [[`${p}b`, 'B2'], [`${p}c`, 'C']]);
      assert.equal(now.revision, base + 6);
      assert.equal(now.more, false);
      const then = okRange(await store.range(p, { revision: base + 4 }));
      assert.deepEqual(then.items.map((kv) => [kv.key, kv.value, kv.modRevision]), [[`${p}a`, 'A', base + 2], [`${p}b`, 'B', base + 1], [`${p}c`, 'C', base + 4]]);
      assert.equal(then.revision, base + 4);
      const early = okRange(await store.range(p, { revision: base + 1 }));
      assert.deepEqual(early.items.map((kv) => kv.key), [`${p}b`]);
    });

    test('range with limit and startKey pages through keys and reports more', async (t) => {
      const { store, p } = await openFor(t, open);
      for (const k of ['e', 'a', 'd', 'b', 'c']) await mustCreate(store, `${p}${k}`, k);
      const first = okRange(await store.range(p, { limit: 2 }));
      assert.deepEqual(first.items.map((kv) => kv.value), ['a', 'b']);
      assert.equal(first.more, true);
      const second = okRange(await store.range(p, { limit: 2, startKey: `${p}b\u0000`, revision: first.revision }));
      assert.deepEqual(second.items.map((kv) => kv.value), ['c', 'd']);
      assert.equal(second.more, true);
      const third = okRange(await store.range(p, { limit: 2, startKey: `${p}e`, revision: first.revision }));
      assert.deepEqual(third.items.map((kv) => kv.value), ['e']);
      assert.equal(third.more, false);
      const exact = okRange(await store.range(p, { limit: 5 }));
      assert.equal(exact.items.length, 5);
      assert.equal(exact.more, false, 'a page that ends exactly at the last key has no more');
    });

    test('create of an existing key answers exists with the current value', async (t) => {
      const { store, p } = await openFor(t, open);
      const kv = await mustCreate(store, `${p}k`, 'first');
      const again = await store.create(`${p}k`, 'second');
      assert.equal(again.ok, false);
      assert.ok(!again.ok && again.reason === 'exists');
      assert.deepEqual(!again.ok && again.current, kv);
      assert.equal(okGet(await store.get(`${p}k`))?.value, 'first');
    });

    test('update checks the expected revision: stale is conflict, missing is not-found', async (t) => {
      const { store, p } = await openFor(t, open);
      const kv = await mustCreate(store, `${p}k`, 'v1');
      const u = await store.update(`${p}k`, 'v2', kv.modRevision);
      assert.ok(u.ok);
      const stale = await store.update(`${p}k`, 'v3', kv.modRevision);
      assert.ok(!stale.ok && stale.reason === 'conflict');
      assert.equal(!stale.ok && stale.current?.value, 'v2');
      assert.equal(okGet(await store.get(`${p}k`))?.value, 'v2');
      const missing = await store.update(`${p}nope`, 'x', 1);
      assert.ok(!missing.ok && missing.reason === 'not-found');
    });

    test('delete removes the key, checks an expected revision, and a re-create starts afresh', async (t) => {
      const { store, p } = await openFor(t, open);
      const kv = await mustCreate(store, `${p}k`, 'v1');
      const wrong = await store.delete(`${p}k`, kv.modRevision + 1000);
      assert.ok(!wrong.ok && wrong.reason === 'conflict');
      assert.equal(!wrong.ok && wrong.current?.value, 'v1');
      const d = await store.delete(`${p}k`, kv.modRevision);
      assert.ok(d.ok);
      assert.deepEqual(d.prev, kv);
      assert.equal(okGet(await store.get(`${p}k`)), undefined);
      const again = await store.delete(`${p}k`);
      assert.ok(!again.ok && again.reason === 'not-found');
      const re = await mustCreate(store, `${p}k`, 'v2');
      assert.equal(re.createRevision, d.revision + 1);
    });

    test('count counts live keys under the prefix', async (t) => {
      const { store, p } = await openFor(t, open);
      assert.equal(await store.count(p), 0);
      for (let i = 0; i < 5; i++) await mustCreate(store, `${p}${i}`, 'v');
      await mustCreate(store, `${p.slice(0, -1)}-other`, 'v');
      await store.delete(`${p}3`);
      assert.equal(await store.count(p), 4);
    });

    test('watch from a revision replays history, then delivers live events in order', async (t) => {
      const { store, p, base } = await openFor(t, open);
      await mustCreate(store, `${p}a`, 'a1');
      await mustCreate(store, `${p.slice(0, -1)}zzz`, 'not watched');
      await store.update(`${p}a`, 'a2', base + 1);
      const w = collectWatch(store, p, base);
      t.after(() => w.watch.close());
      await w.waitForEvents(2);
      await store.delete(`${p}a`);
      await mustCreate(store, `${p}b`, 'b1');
      await w.waitForEvents(4);
      await settle();
      assert.deepEqual(w.errors, []);
      assert.deepEqual(w.events.map((e) => [e.type, e.kv.key.slice(p.length), e.kv.value, e.revision]), [
        ['put', 'a', 'a1', base + 1],
        ['put', 'a', 'a2', base + 3],
        ['delete', 'a', 'a2', base + 4],
        ['put', 'b', 'b1', base + 5],
      ]);
      assert.equal(w.events[0]?.prev, undefined, 'a create has no prev');
      assert.equal(w.events[1]?.prev?.value, 'a1', 'an update carries the previous value');
      assert.equal(w.events[2]?.kv.modRevision, base + 4, 'a delete reports its own revision');
      assert.equal(w.events[2]?.prev?.modRevision, base + 3);
    });

    test('watch delivers every event exactly once while writes race with replay', async (t) => {
      const { store, p, base } = await openFor(t, open);
      for (let i = 0; i < 300; i++) await mustCreate(store, `${p}pre-${i}`, 'v');
      const w = collectWatch(store, p, base);
      t.after(() => w.watch.close());
      await Promise.all(Array.from({ length: 300 }, (_, i) => store.create(`${p}live-${i}`, 'v')));
      await w.waitForEvents(600);
      await settle();
      assert.equal(w.events.length, 600);
      w.events.forEach((e, i) => assert.equal(e.revision, base + 1 + i, `event ${i} in revision order without gaps`));
    });

    test('watch from the current revision sees only later writes; close() stops delivery', async (t) => {
      const { store, p } = await openFor(t, open);
      await mustCreate(store, `${p}old`, 'v');
      const w = collectWatch(store, p, await store.currentRevision());
      await mustCreate(store, `${p}new`, 'v');
      await w.waitForEvents(1);
      w.watch.close();
      w.watch.close();
      await mustCreate(store, `${p}after-close`, 'v');
      await settle();
      assert.deepEqual(w.events.map((e) => e.kv.key), [`${p}new`]);
      assert.deepEqual(w.errors, [], 'close() is not an error');
    });

    test('compaction keeps the latest value of every key and refuses older reads', async (t) => {
      const { store, p, base } = await openFor(t, open);
      await mustCreate(store, `${p}a`, 'a1');             // base+1
      await store.update(`${p}a`, 'a2', base + 1);         // base+2
      await mustCreate(store, `${p}b`, 'b1');             // base+3
      await mustCreate(store, `${p}gone`, 'g');           // base+4
      await store.delete(`${p}gone`);                      // base+5
      await store.update(`${p}a`, 'a3', base + 2);         // base+6
      await store.compact(base + 5);
      assert.equal(await store.compactedRevision(), base + 5);
      const old = await store.get(`${p}a`, { revision: base + 4 });
      assert.ok(isReadError(old) && old.reason === 'compacted' && old.compactRevision === base + 5);
      const oldRange = await store.range(p, { revision: base + 1 });
      assert.ok(isReadError(oldRange) && oldRange.reason === 'compacted');
      const at = okRange(await store.range(p, { revision: base + 5 }));
      assert.deepEqual(at.items.map((kv) => [kv.key.slice(p.length), kv.value]), [['a', 'a2'], ['b', 'b1']]);
      const now = okRange(await store.range(p));
      assert.deepEqual(now.items.map((kv) => [kv.key.slice(p.length), kv.value]), [['a', 'a3'], ['b', 'b1']]);
      // Watching from the compaction revision still works and sees what came after it.
      const w = collectWatch(store, p, base + 5);
      t.after(() => w.watch.close());
      await w.waitForEvents(1);
      await settle();
      assert.deepEqual(w.events.map((e) => [e.kv.value, e.prev?.value]), [['a3', 'a2']]);
      await store.compact(await store.currentRevision());
      assert.equal(okGet(await store.get(`${p}a`))?.value, 'a3');
      assert.equal(okGet(await store.get(`${p}b`))?.value, 'b1');
      assert.equal(await store.count(p), 2);
    });

    test('watch from a compacted revision reports compacted and delivers nothing', async (t) => {
      const { store, p, base } = await openFor(t, open);
      await mustCreate(store, `${p}a`, '1');
      await store.update(`${p}a`, '2', base + 1);
      await mustCreate(store, `${p}b`, '1');
      await store.compact(base + 2);
      const w = collectWatch(store, p, base + 1);
      await w.waitForError();
      await mustCreate(store, `${p}c`, '1');
      await settle();
      assert.deepEqual(w.errors, ['compacted']);
      assert.deepEqual(w.events, []);
    });

    test('close() ends open watches with closed', async (t) => {
      const store = await open();
      let closed = false;
      t.after(async () => { if (!closed) await store.close(); });
      const p = freshPrefix();
      const w = collectWatch(store, p, await store.currentRevision());
      await mustCreate(store, `${p}a`, '1');
      await w.waitForEvents(1);
      await store.close();
      closed = true;
      await w.waitForError();
      assert.deepEqual(w.errors, ['closed']);
      await store.close(); // idempotent
    });

    test('concurrent creates of one key: exactly one wins', async (t) => {
      const { store, p, base } = await openFor(t, open);
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => store.create(`${p}k`, `writer-${i}`)));
      const winners = results.filter((r) => r.ok);
      assert.equal(winners.length, 1);
      assert.ok(results.every((r) => r.ok || r.reason === 'exists'));
      const winner = winners[0];
      assert.ok(winner?.ok);
      assert.equal(okGet(await store.get(`${p}k`))?.value, winner.kv.value);
      assert.equal(await store.currentRevision(), base + 1);
    });
  });
}
