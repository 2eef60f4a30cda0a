/**
 * Group commit: the writes of one event-loop turn commit together, and nothing outside the
 * store (another connection, a watch, a read) sees them before that commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteStore } from './sqlite-store.js';
import { isReadError } from '../keys.js';

test('writes of one turn commit together; other connections and watches see them only after the commit', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-group-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'state.db');
  const store = await openSqliteStore(path);
  t.after(() => store.close());
  const before = await store.currentRevision();
  const other = new Database(path, { readonly: true });
  t.after(() => other.close());
  const rows = (): number => (other.prepare('SELECT COUNT(*) AS n FROM kv WHERE key LIKE ?').get('/g/%') as { n: number }).n;
  const seen: number[] = [];
  store.watch('/g/', { afterRevision: before, onEvent: (e) => { seen.push(e.revision); } });

  const writes = Array.from({ length: 50 }, (_, i) => store.create(`/g/${i}`, `v${i}`));
  const duplicate = store.create('/g/0', 'again');
  // Still the same turn: nothing is committed, so nothing is visible outside.
  assert.equal(rows(), 0);
  assert.deepEqual(seen, []);
  const results = await Promise.all(writes);
  assert.equal(rows(), 50);
  assert.deepEqual(results.map((r) => r.ok && r.revision), Array.from({ length: 50 }, (_, i) => before + 1 + i));
  const dup = await duplicate;
  assert.ok(!dup.ok && dup.reason === 'exists');
  // A read issued during an open batch answers after its commit, with its writes.
  const update = store.update('/g/1', 'changed', before + 2);
  const read = store.get('/g/1');
  const [u, kv] = await Promise.all([update, read]);
  assert.ok(u.ok);
  assert.ok(kv && !isReadError(kv) && kv.value === 'changed' && kv.modRevision === before + 51);
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(seen, Array.from({ length: 51 }, (_, i) => before + 1 + i));
});

test('the store reopens with every committed write of a batch', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'skiff-group-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'state.db');
  const store = await openSqliteStore(path);
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.create(`/r/${i}`, 'v')));
  const revision = await store.currentRevision();
  // A batch still open at close is committed by close.
  const last = store.create('/r/last', 'v');
  await store.close();
  assert.ok((await last).ok);
  const reopened = await openSqliteStore(path);
  t.after(() => reopened.close());
  assert.equal(await reopened.currentRevision(), revision + 1);
  assert.equal(await reopened.count('/r/'), 21);
});
