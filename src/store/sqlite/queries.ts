/**
 * Every SQL statement of the SQLite store, prepared once. Statements that take a key prefix
 * come in two shapes (with and without an upper bound) so the (key, rev) index always
 * serves the range.
 */
import type Database from 'better-sqlite3';
import { prefixRangeEnd } from '../keys.js';

export interface KvRow {
  key: string;
  create_rev: number;
  rev: number;
  value: string;
}

export interface EventRow extends KvRow {
  deleted: number;
  p_rev: number | null;
  p_value: string | null;
}

export interface NewRow {
  rev: number;
  key: string;
  deleted: 0 | 1;
  createRev: number;
  prevRev: number | null;
  value: string;
}

type Bounded<T> = { bounded: T; open: T };

export class SqliteQueries {
  private readonly getLiveStmt: Database.Statement<[string], KvRow>;
  private readonly getAtStmt: Database.Statement<[string, number], KvRow & { deleted: number }>;
  private readonly insertKv: Database.Statement<[number, string, number, number, number | null, string]>;
  private readonly upsertLive: Database.Statement<[string, number]>;
  private readonly deleteLive: Database.Statement<[string]>;
  private readonly rangeLiveStmt: Bounded<Database.Statement<RangeParams, KvRow>>;
  private readonly rangeAtStmt: Bounded<Database.Statement<RangeParams, KvRow>>;
  private readonly countStmt: Bounded<Database.Statement<RangeParams, { n: number }>>;
  private readonly historyStmt: Bounded<Database.Statement<RangeParams, EventRow>>;
  private readonly compactStmt: Database.Statement<{ from: number; to: number; upTo: number }>;
  private readonly writeTx: (row: NewRow) => void;

  constructor(private readonly db: Database.Database) {
    this.getLiveStmt = db.prepare(`SELECT k.key, k.create_rev, k.rev, k.value FROM live l JOIN kv k ON k.rev = l.rev WHERE l.key = ?`);
    this.getAtStmt = db.prepare(`SELECT key, create_rev, rev, value, deleted FROM kv WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1`);
    this.insertKv = db.prepare(`INSERT INTO kv (rev, key, deleted, create_rev, prev_rev, value) VALUES (?, ?, ?, ?, ?, ?)`);
    this.upsertLive = db.prepare(`INSERT INTO live (key, rev) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET rev = excluded.rev`);
    this.deleteLive = db.prepare(`DELETE FROM live WHERE key = ?`);
    const both = <T>(make: (keyBound: (col: string) => string) => T): Bounded<T> => ({
      bounded: make((col) => `${col} >= @start AND ${col} < @end`),
      open: make((col) => `${col} >= @start`),
    });
    this.rangeLiveStmt = both((range) => db.prepare(
      `SELECT k.key, k.create_rev, k.rev, k.value FROM live l JOIN kv k ON k.rev = l.rev
       WHERE ${range('l.key')} ORDER BY l.key LIMIT @limit`));
    // SQLite takes the bare columns of a MAX() aggregate from the row holding the maximum.
    this.rangeAtStmt = both((range) => db.prepare(
      `SELECT key, create_rev, rev, value FROM (
         SELECT key, MAX(rev) AS rev, create_rev, value, deleted FROM kv
         WHERE ${range('key')} AND rev <= @revision GROUP BY key)
       WHERE deleted = 0 ORDER BY key LIMIT @limit`));
    this.countStmt = both((range) => db.prepare(`SELECT COUNT(*) AS n FROM live WHERE ${range('key')}`));
    this.historyStmt = both((range) => db.prepare(
      `SELECT k.key, k.create_rev, k.rev, k.value, k.deleted, p.rev AS p_rev, p.value AS p_value
       FROM kv k LEFT JOIN kv p ON p.rev = k.prev_rev
       WHERE k.rev > @after AND k.rev <= @until AND ${range('k.key')} ORDER BY k.rev LIMIT @limit`));
    // Below the compaction revision a row goes when a later row (at or below it) supersedes it;
    // tombstones go too, since no read at or after the compaction revision can see them.
    this.compactStmt = db.prepare(
      `DELETE FROM kv WHERE rev >= @from AND rev < @to AND rev <= @upTo AND (deleted = 1 OR EXISTS (
         SELECT 1 FROM kv n WHERE n.key = kv.key AND n.rev > kv.rev AND n.rev <= @upTo))`);
    this.writeTx = db.transaction((row: NewRow) => {
      this.insertKv.run(row.rev, row.key, row.deleted, row.createRev, row.prevRev, row.value);
      if (row.deleted) this.deleteLive.run(row.key);
      else this.upsertLive.run(row.key, row.rev);
    });
  }

  getLive(key: string): KvRow | undefined {
    return this.getLiveStmt.get(key);
  }

  getAt(key: string, revision: number): KvRow | undefined {
    const row = this.getAtStmt.get(key, revision);
    return row && !row.deleted ? row : undefined;
  }

  rangeLive(prefix: string, start: string, limit: number): KvRow[] {
    return pick(this.rangeLiveStmt, prefix).all(params(prefix, { start, limit }));
  }

  rangeAt(prefix: string, start: string, revision: number, limit: number): KvRow[] {
    return pick(this.rangeAtStmt, prefix).all(params(prefix, { start, limit, revision }));
  }

  countLive(prefix: string): number {
    return pick(this.countStmt, prefix).get(params(prefix, { start: prefix }))?.n ?? 0;
  }

  history(prefix: string, after: number, until: number, limit: number): EventRow[] {
    return pick(this.historyStmt, prefix).all(params(prefix, { start: prefix, after, until, limit }));
  }

  /** Appends one revision and moves the key's live pointer, in one transaction. */
  write(row: NewRow): void {
    this.writeTx(row);
  }

  compactChunk(from: number, to: number, upTo: number): void {
    this.compactStmt.run({ from, to, upTo });
  }

  maxRevision(): number {
    return this.db.prepare<[], { r: number | null }>(`SELECT MAX(rev) AS r FROM kv`).get()?.r ?? 0;
  }

  minRevision(): number {
    return this.db.prepare<[], { r: number | null }>(`SELECT MIN(rev) AS r FROM kv`).get()?.r ?? 0;
  }

  readMeta(name: string): number | undefined {
    return this.db.prepare<[string], { value: number }>(`SELECT value FROM meta WHERE name = ?`).get(name)?.value;
  }

  writeMeta(name: string, value: number): void {
    this.db.prepare(`INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`).run(name, value);
  }
}

type RangeParams = [Record<string, string | number>];

function pick<T>(statements: Bounded<T>, prefix: string): T {
  return prefixRangeEnd(prefix) === undefined ? statements.open : statements.bounded;
}

function params(prefix: string, rest: Record<string, string | number>): Record<string, string | number> {
  const end = prefixRangeEnd(prefix);
  return end === undefined ? rest : { ...rest, end };
}
