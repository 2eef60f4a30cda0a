import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { collectWatch, runStoreConformance } from '../testsuite.js';
import { isReadError } from '../keys.js';
import type { Store } from '../types.js';
import { openEtcdStore } from './etcd-store.js';
import { startEtcdServer, type EtcdServer } from './etcd-process.js';

// One etcd for the whole file; node:test runs this file's tests one after another, so no
// other writer moves the revision while a conformance test counts on it.
let server: EtcdServer | undefined;
before(async () => { server = await startEtcdServer(); });
after(async () => { await server?.stop(); });

function endpoint(): string {
  if (!server) throw new Error('etcd is not running');
  return server.endpoint;
}

runStoreConformance('etcd', () => openEtcdStore({ endpoints: [endpoint()], keyPrefix: '/conformance-store' }));

async function open(t: { after(fn: () => Promise<void>): void }, keyPrefix = '/skiff'): Promise<Store> {
  const store = await openEtcdStore({ endpoints: [endpoint()], keyPrefix });
  t.after(() => store.close());
  return store;
}

test('two stores on one etcd (two API servers) see each other\'s writes, conflicts and watches', async (t) => {
  const a = await open(t);
  const b = await open(t);
  const base = await a.currentRevision();
  const fromB = collectWatch(b, '/pods/', base);
  t.after(() => fromB.watch.close());
  const created = await a.create('/pods/web', 'v1');
  assert.ok(created.ok);
  const seen = await b.get('/pods/web');
  assert.ok(seen && !isReadError(seen));
  assert.deepEqual(seen, created.kv);
  // b updates on top of a's write; a's stale update then loses with b's value as current.
  const updated = await b.update('/pods/web', 'v2', created.kv.modRevision);
  assert.ok(updated.ok);
  const stale = await a.update('/pods/web', 'v3', created.kv.modRevision);
  assert.ok(!stale.ok && stale.reason === 'conflict' && stale.current?.value === 'v2');
  assert.equal((await a.create('/pods/web', 'again')).ok, false);
  const deleted = await a.delete('/pods/web', updated.kv.modRevision);
  assert.ok(deleted.ok);
  await fromB.waitForEvents(3);
  assert.deepEqual(fromB.events.map((e) => [e.type, e.kv.value, e.revision]), [
    ['put', 'v1', created.revision], ['put', 'v2', updated.revision], ['delete', 'v2', deleted.revision],
  ]);
  assert.equal(await b.currentRevision(), deleted.revision);
  // One store compacts; the other sees the compaction in reads and watches.
  await a.compact(deleted.revision);
  assert.equal(await b.compactedRevision(), deleted.revision);
  const old = await b.get('/pods/web', { revision: created.revision });
  assert.ok(isReadError(old) && old.reason === 'compacted' && old.compactRevision === deleted.revision);
  const late = collectWatch(b, '/pods/', base);
  await late.waitForError();
  assert.deepEqual(late.errors, ['compacted']);
});

test('stores under different key prefixes in one etcd do not see each other\'s keys', async (t) => {
  const tenantA = await open(t, '/tenant-a');
  const tenantB = await open(t, '/tenant-b');
  const before = await tenantB.currentRevision();
  const w = collectWatch(tenantB, '/', before);
  t.after(() => w.watch.close());
  assert.ok((await tenantA.create('/pods/x', 'a')).ok);
  assert.equal(await tenantB.get('/pods/x'), undefined);
  assert.equal(await tenantB.count('/'), 0);
  // The shared revision moved although tenant B wrote nothing: revisions may skip.
  assert.ok((await tenantB.currentRevision()) > before);
  const own = await tenantB.create('/pods/x', 'b');
  assert.ok(own.ok);
  await w.waitForEvents(1);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(w.events.map((e) => [e.kv.key, e.kv.value]), [['/pods/x', 'b']]);
  const listed = await tenantA.range('/');
  assert.ok(!isReadError(listed));
  assert.deepEqual(listed.items.map((kv) => [kv.key, kv.value]), [['/pods/x', 'a']]);
});

test('a watch survives an etcd restart and resumes without gaps or repeats', async (t) => {
  const restartable = await startEtcdServer();
  t.after(() => restartable.stop());
  const store = await openEtcdStore({ endpoints: [restartable.endpoint], warn: () => undefined });
  t.after(() => store.close());
  const base = await store.currentRevision();
  const w = collectWatch(store, '/k/', base);
  t.after(() => w.watch.close());
  assert.ok((await store.create('/k/before', '1')).ok);
  await w.waitForEvents(1);
  // Down for a second: the watch's reconnect attempts back off, so the next write lands
  // while it is still disconnected and must come from history when it reconnects.
  await restartable.restart({ downtimeMs: 1000 });
  const other = await openEtcdStore({ endpoints: [restartable.endpoint] });
  t.after(() => other.close());
  assert.ok((await other.create('/k/during', '2')).ok);
  await w.waitForEvents(2);
  assert.ok((await other.create('/k/after', '3')).ok);
  await w.waitForEvents(3);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(w.events.map((e) => e.kv.key), ['/k/before', '/k/during', '/k/after']);
  // The first store works again too (its member's circuit closes within a second or so).
  await waitUntilWorks(() => store.count('/k/'));
  assert.equal(await store.count('/k/'), 3);
  assert.deepEqual(w.errors, []);
});

test('a range larger than gRPC\'s default 4 MiB message limit is served', async (t) => {
  const store = await open(t, '/big');
  const value = 'x'.repeat(1024 * 1024);
  for (let i = 0; i < 6; i++) assert.ok((await store.create(`/blobs/${i}`, value)).ok);
  const all = await store.range('/blobs/');
  assert.ok(!isReadError(all));
  assert.equal(all.items.length, 6);
  assert.ok(all.items.every((kv) => kv.value.length === value.length));
});

async function waitUntilWorks(call: () => Promise<unknown>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await call();
      return;
    } catch (err: unknown) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
