/**
 * Private stand-in for the store engineer's `openSqliteStore` (src/store/), used only until
 * theirs lands. A small kine-like MVCC log on better-sqlite3: one row per write, the live
 * value of a key is its newest row unless that row is a delete.
 */
import Database from 'better-sqlite3';
import type { DeleteResult, KeyValue, RangeOptions, RangeResult, ReadAtRevisionError, Store, Watch, WatchEvent, WatchOptions, WriteResult } from '../../store/types.js';

interface Row { rev: number; key: string; value: string | null; create_rev: number; prev_rev: number | null }

export function openStandinStore(path: string): Store {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS log (rev INTEGER PRIMARY KEY, key TEXT NOT NULL, value TEXT, create_rev INTEGER NOT NULL, prev_rev INTEGER);
    CREATE INDEX IF NOT EXISTS log_key ON log(key, rev);
    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, n INTEGER NOT NULL);`);
  const latestStmt = db.prepare<[string, number], Row>('SELECT * FROM log WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1');
  const insertStmt = db.prepare('INSERT INTO log (key, value, create_rev, prev_rev) VALUES (?, ?, ?, ?)');
  const revStmt = db.prepare<[], { r: number | null }>('SELECT MAX(rev) AS r FROM log');
  const rangeStmt = db.prepare<[string, string, string, number], Row>(
    `SELECT l.* FROM log l JOIN (SELECT key, MAX(rev) AS rev FROM log WHERE key >= ? AND key < ? AND key >= ? AND rev <= ? GROUP BY key) m ON l.rev = m.rev WHERE l.value IS NOT NULL ORDER BY l.key`);
  const historyStmt = db.prepare<[number, string, string], Row>('SELECT * FROM log WHERE rev > ? AND key >= ? AND key < ? ORDER BY rev');
  const byRevStmt = db.prepare<[number], Row>('SELECT * FROM log WHERE rev = ?');
  const compactGet = db.prepare<[], { n: number }>("SELECT n FROM meta WHERE name = 'compacted'");
  const compactSet = db.prepare("INSERT OR REPLACE INTO meta (name, n) VALUES ('compacted', ?)");
  const watchers = new Set<{ prefix: string; onEvent: (e: WatchEvent) => void; onError?: (r: 'compacted' | 'closed') => void }>();
  let closed = false;

  const currentRevision = (): number => revStmt.get()?.r ?? 0;
  const compacted = (): number => compactGet.get()?.n ?? 0;
  const toKv = (r: Row): KeyValue => ({ key: r.key, value: r.value ?? '', createRevision: r.create_rev, modRevision: r.rev });
  const live = (key: string, rev = Number.MAX_SAFE_INTEGER): Row | undefined => {
    const r = latestStmt.get(key, rev);
    return r && r.value !== null ? r : undefined;
  };
  const prefixEnd = (p: string): string => p + '\uffff';
  const toEvent = (r: Row): WatchEvent => {
    const prevRow = r.prev_rev ? byRevStmt.get(r.prev_rev) : undefined;
    const prev = prevRow ? toKv(prevRow) : undefined;
    if (r.value === null) return { type: 'delete', kv: { ...(prev ?? toKv(r)), modRevision: r.rev }, ...(prev ? { prev } : {}), revision: r.rev };
    return { type: 'put', kv: toKv(r), ...(prev ? { prev } : {}), revision: r.rev };
  };
  const publish = (rev: number): void => {
    const row = byRevStmt.get(rev);
    if (!row) return;
    const ev = toEvent(row);
    for (const w of watchers) if (row.key.startsWith(w.prefix)) w.onEvent(ev);
  };
  const write = db.transaction((key: string, value: string | null, expected: number | undefined, mode: 'create' | 'update' | 'delete') => {
    const cur = live(key);
    if (mode === 'create' && cur) return { ok: false as const, reason: 'exists' as const, current: toKv(cur) };
    if (mode !== 'create' && !cur) return { ok: false as const, reason: 'not-found' as const };
    if (cur && expected !== undefined && cur.rev !== expected) return { ok: false as const, reason: 'conflict' as const, current: toKv(cur) };
    const info = insertStmt.run(key, value, cur ? cur.create_rev : 0, cur ? cur.rev : null);
    const rev = Number(info.lastInsertRowid);
    if (!cur) db.prepare('UPDATE log SET create_rev = rev WHERE rev = ?').run(rev);
    return { ok: true as const, rev, prev: cur ? toKv(cur) : undefined };
  });

  const store: Store = {
    async currentRevision() { return currentRevision(); },
    async compactedRevision() { return compacted(); },
    async get(key, options): Promise<KeyValue | undefined | ReadAtRevisionError> {
      const rev = options?.revision;
      if (rev && rev < compacted()) return { ok: false, reason: 'compacted', compactRevision: compacted(), currentRevision: currentRevision() };
      const r = live(key, rev || undefined);
      return r ? toKv(r) : undefined;
    },
    async range(prefix, options?: RangeOptions): Promise<RangeResult | ReadAtRevisionError> {
      const cur = currentRevision();
      const rev = options?.revision || cur;
      if (rev < compacted()) return { ok: false, reason: 'compacted', compactRevision: compacted(), currentRevision: cur };
      if (rev > cur) return { ok: false, reason: 'future', compactRevision: compacted(), currentRevision: cur };
      const rows = rangeStmt.all(prefix, prefixEnd(prefix), options?.startKey ?? '', rev);
      const limit = options?.limit ?? 0;
      const items = (limit > 0 ? rows.slice(0, limit) : rows).map(toKv);
      return { items, revision: rev, more: limit > 0 && rows.length > limit };
    },
    async count(prefix) { return rangeStmt.all(prefix, prefixEnd(prefix), '', Number.MAX_SAFE_INTEGER).length; },
    async create(key, value): Promise<WriteResult> {
      const r = write(key, value, undefined, 'create');
      if (!r.ok) return r;
      publish(r.rev);
      return { ok: true, kv: { key, value, createRevision: r.rev, modRevision: r.rev }, revision: r.rev };
    },
    async update(key, value, expected): Promise<WriteResult> {
      const r = write(key, value, expected, 'update');
      if (!r.ok) return r;
      publish(r.rev);
      return { ok: true, kv: { key, value, createRevision: r.prev?.createRevision ?? r.rev, modRevision: r.rev }, revision: r.rev };
    },
    async delete(key, expected): Promise<DeleteResult> {
      const r = write(key, null, expected, 'delete');
      if (!r.ok) return r.reason === 'exists' ? { ok: false, reason: 'conflict' } : r;
      publish(r.rev);
      return { ok: true, prev: r.prev as KeyValue, revision: r.rev };
    },
    watch(prefix, options: WatchOptions): Watch {
      const entry = { prefix, onEvent: options.onEvent, ...(options.onError ? { onError: options.onError } : {}) };
      if (options.afterRevision && options.afterRevision < compacted()) {
        queueMicrotask(() => options.onError?.('compacted'));
        return { close() {} };
      }
      for (const r of historyStmt.all(options.afterRevision, prefix, prefixEnd(prefix))) options.onEvent(toEvent(r));
      watchers.add(entry);
      return { close() { watchers.delete(entry); } };
    },
    async compact(revision) {
      db.prepare('DELETE FROM log WHERE rev < ? AND rev NOT IN (SELECT MAX(rev) FROM log GROUP BY key)').run(revision);
      compactSet.run(revision);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const w of watchers) w.onError?.('closed');
      watchers.clear();
      db.close();
    },
  };
  return store;
}
