import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runStoreConformance } from '../testsuite.js';
import { openSqliteStore } from './sqlite-store.js';
import { isReadError } from '../keys.js';

runStoreConformance('sqlite (memory)', () => openSqliteStore(':memory:'));

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const fileDirs: string[] = [];
runStoreConformance('sqlite (file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-store-'));
  fileDirs.push(dir);
  return openSqliteStore(join(dir, 'state.db'));
});
test.after(() => { for (const dir of fileDirs) rmSync(dir, { recursive: true, force: true }); });

test('reopening a file store keeps data, revision and compaction point', async (t) => {
  const path = join(tempDir(t), 'state.db');
  const first = await openSqliteStore(path);
  await first.create('/k/a', '1');
  await first.create('/k/b', '1');
  const d = await first.delete('/k/b');
  assert.ok(d.ok);
  await first.compact(d.revision);
  await first.close();
  const second = await openSqliteStore(path);
  t.after(() => second.close());
  // The delete at revision 3 was compacted away, yet the revision must not go back.
  assert.equal(await second.currentRevision(), 3);
  assert.equal(await second.compactedRevision(), 3);
  const kv = await second.get('/k/a');
  assert.ok(kv && !isReadError(kv) && kv.value === '1');
  const next = await second.create('/k/c', '1');
  assert.ok(next.ok && next.revision === 4);
});

test('a second store on the same file is refused while the first is open', async (t) => {
  const path = join(tempDir(t), 'state.db');
  const first = await openSqliteStore(path);
  t.after(() => first.close());
  await first.create('/k', 'v');
  await assert.rejects(openSqliteStore(path, { busyTimeoutMs: 50 }), /cannot open store .*locked/);
});

test('compaction of a large history keeps every live key and drops superseded rows', async (t) => {
  const store = await openSqliteStore(':memory:');
  t.after(() => store.close());
  for (let i = 0; i < 50; i++) await store.create(`/big/${i}`, 'v0');
  for (let round = 1; round <= 20; round++) {
    for (let i = 0; i < 50; i++) await store.update(`/big/${i}`, `v${round}`, 50 * round + i + 1 - 50);
  }
  const rev = await store.currentRevision();
  assert.equal(rev, 50 * 21);
  await store.compact(rev);
  const all = await store.range('/big/');
  assert.ok(!isReadError(all));
  assert.equal(all.items.length, 50);
  assert.ok(all.items.every((kv) => kv.value === 'v20'));
  const atRev = await store.range('/big/', { revision: rev });
  assert.ok(!isReadError(atRev) && atRev.items.length === 50);
});

test('compacting to a future revision is a caller bug and rejects', async (t) => {
  const store = await openSqliteStore(':memory:');
  t.after(() => store.close());
  await assert.rejects(store.compact(5), RangeError);
});

test('a watch still replaying when compaction overtakes it ends with compacted', async (t) => {
  const store = await openSqliteStore(':memory:');
  t.after(() => store.close());
  for (let i = 0; i < 600; i++) await store.create(`/r/${i}`, 'v');
  const errors: string[] = [];
  let delivered = 0;
  let ended!: () => void;
  const done = new Promise<void>((resolve) => { ended = resolve; });
  store.watch('/r/', { afterRevision: 0, onEvent: () => { delivered++; }, onError: (reason) => { errors.push(reason); ended(); } });
  // Replay runs a page per turn of the event loop; compaction lands before it finishes.
  await store.compact(await store.currentRevision());
  await done;
  assert.deepEqual(errors, ['compacted']);
  assert.ok(delivered < 600, `replay should have been cut short, delivered ${delivered}`);
  assert.equal(store.watchCount, 0, 'the ended watch is released');
});

test('a watch from a future revision waits for it; closed watches are released', async (t) => {
  const store = await openSqliteStore(':memory:');
  t.after(() => store.close());
  const seen: number[] = [];
  const watch = store.watch('/f/', { afterRevision: 2, onEvent: (e) => { seen.push(e.revision); } });
  for (let i = 0; i < 4; i++) await store.create(`/f/${i}`, 'v');
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(seen, [3, 4]);
  assert.equal(store.watchCount, 1);
  watch.close();
  assert.equal(store.watchCount, 0);
});

test('creates on a file store are fast enough for the API server (thousands per second)', async (t) => {
  const path = join(tempDir(t), 'state.db');
  const store = await openSqliteStore(path);
  t.after(() => store.close());
  const value = JSON.stringify({ kind: 'Pod', padding: 'x'.repeat(1500) });
  const count = 3000;
  const latencies: number[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const before = performance.now();
    await store.create(`/registry/pods/default/p-${i}`, value);
    latencies.push(performance.now() - before);
  }
  const perSecond = count / ((performance.now() - started) / 1000);
  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(count * 0.99)] ?? Infinity;
  // Measured about 15000/s and p99 0.3 ms here; the bounds leave room for a loaded CI machine.
  assert.ok(perSecond > 1000, `${Math.round(perSecond)} creates/s`);
  assert.ok(p99 < 10, `p99 ${p99.toFixed(2)} ms`);
});

test('a written file store is checkpointed in the background: the WAL reaches the database file while the store stays open', async (t) => {
  const path = join(tempDir(t), 'state.db');
  const store = await openSqliteStore(path);
  t.after(() => store.close());
  const value = JSON.stringify({ kind: 'ConfigMap', padding: 'x'.repeat(1500) });
  for (let i = 0; i < 600; i++) await store.create(`/registry/configmaps/default/c-${i}`, value);
  // The store's own connection never checkpoints; without the worker the file stays a few pages.
  const deadline = Date.now() + 10_000;
  while (statSync(path).size < 600 * 1500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(statSync(path).size >= 600 * 1500, `database file is ${statSync(path).size} bytes`);
  const kv = await store.get('/registry/configmaps/default/c-599');
  assert.ok(kv && !isReadError(kv) && kv.value === value);
});
