/**
 * The embedded default backend: an MVCC store on SQLite (better-sqlite3 12.x), one writer.
 *
 * Writes run synchronously on the JS thread, so they are serialised without locks and a
 * create racing a create of the same key simply loses. Group commit: the writes of one turn
 * of the event loop share one SQLite transaction (each in its own savepoint), committed at
 * the end of the turn (setImmediate); only then do their promises resolve and watches see
 * them, so an acknowledged write is committed as before, and nobody outside the store sees
 * a write before it is. Reads arriving while a batch is open wait for its commit.
 * The revision counter lives in memory and is re-derived from the database on open.
 */
import Database from 'better-sqlite3';
import type {
  DeleteResult, KeyValue, RangeOptions, RangeResult, ReadAtRevisionError, Store, Watch, WatchEvent, WatchOptions, WriteResult,
} from '../types.js';
import { configure, holdWriterLock, metaCompactRevision, migrate } from './schema.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { SqliteQueries, type EventRow, type KvRow, type NewRow } from './queries.js';
import { WatchHub } from './watch-hub.js';

/** How often the checkpoint worker folds the WAL into the database file. */
const checkpointIntervalMs = 1000;
/** Writes (about 16 KiB of WAL each) before the checkpoint worker starts: ~4 MiB, SQLite's own threshold. */
const writesBeforeCheckpointer = 256;

/**
 * Live values kept in memory after a write or a read, newest last: the writes that follow
 * (a binding after a create, the update after a get) and the reads between them are served
 * without SQL. This process is the one writer, so the cache cannot go stale.
 */
const recentLiveEntries = 1024;

/** Rows examined per compaction transaction, so writers are not blocked for long. */
const compactionChunk = 20_000;

export interface SqliteStoreOptions {
  /** How long to wait for another process holding the database (ms). */
  readonly busyTimeoutMs?: number;
}

/** The writes of one turn of the event loop: one transaction, committed together. */
interface Batch {
  /** The revision before the batch: restored if the commit fails. */
  readonly startRevision: number;
  /** Watch events of the batch's writes, published once it commits. */
  readonly events: WatchEvent[];
  /** Settles when the batch committed (or failed to). */
  readonly committed: Promise<void>;
  resolve(): void;
  reject(err: unknown): void;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  /** Held open for the store's lifetime: the one-writer lock of a file store. */
  private readonly writerLock: Database.Database | undefined;
  /** Started by the writes (a worker thread costs ~10 MB; a store that is barely written needs none). */
  private checkpointer: Checkpointer | undefined;
  private writesWithoutCheckpointer = 0;
  private readonly path: string;
  private readonly onDisk: boolean;
  private readonly q: SqliteQueries;
  private readonly hub: WatchHub;
  private revision: number;
  /** The revision of the last commit: what watches may see (revision runs ahead inside a batch). */
  private committedRevision: number;
  private batch: Batch | undefined;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private compactRevision: number;
  private closed = false;
  private readonly recent = new Map<string, KeyValue>();
  /** Compactions run one after another. */
  private compaction: Promise<void> = Promise.resolve();

  constructor(path: string, options: SqliteStoreOptions = {}) {
    const open = (file: string): Database.Database => new Database(file, { timeout: options.busyTimeoutMs ?? 2000 });
    const onDisk = path !== ':memory:' && path !== '';
    try {
      this.writerLock = onDisk ? holdWriterLock(open, path) : undefined;
    } catch (err: unknown) {
      throw new Error(`cannot open store at ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    this.db = open(path);
    try {
      configure(this.db, { checkpointElsewhere: onDisk });
      migrate(this.db);
      this.q = new SqliteQueries(this.db);
      this.compactRevision = this.q.readMeta(metaCompactRevision) ?? 0;
      this.revision = Math.max(this.q.maxRevision(), this.compactRevision);
      this.begin = this.db.prepare('BEGIN');
      this.commit = this.db.prepare('COMMIT');
      this.rollback = this.db.prepare('ROLLBACK');
    } catch (err: unknown) {
      this.db.close();
      this.writerLock?.close();
      throw new Error(`cannot open store at ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    this.committedRevision = this.revision;
    this.path = path;
    this.onDisk = onDisk;
    this.hub = new WatchHub({
      readHistory: (prefix, after, until, limit) => this.q.history(prefix, after, until, limit).map(toEvent),
      compactedRevision: () => this.compactRevision,
      currentRevision: () => this.committedRevision,
    });
  }

  async currentRevision(): Promise<number> {
    await this.settled();
    this.assertOpen();
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    await this.settled();
    this.assertOpen();
    return this.compactRevision;
  }

  async get(key: string, options?: { readonly revision?: number }): Promise<KeyValue | undefined | ReadAtRevisionError> {
    await this.settled();
    this.assertOpen();
    const revision = options?.revision ?? 0;
    if (revision === 0) {
      // Read-through: a write usually follows a read of the same key (get, then update).
      const kv = this.live(key);
      if (kv) this.remember(kv);
      return kv;
    }
    const error = this.checkReadRevision(revision);
    if (error) return error;
    return toKeyValue(this.q.getAt(key, revision));
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult | ReadAtRevisionError> {
    await this.settled();
    this.assertOpen();
    const requested = options.revision ?? 0;
    if (requested !== 0) {
      const error = this.checkReadRevision(requested);
      if (error) return error;
    }
    const limit = options.limit ?? 0;
    const start = options.startKey !== undefined && options.startKey > prefix ? options.startKey : prefix;
    // One extra row tells whether the limit cut the result short.
    const sqlLimit = limit > 0 ? limit + 1 : -1;
    const rows = requested === 0
      ? this.q.rangeLive(prefix, start, sqlLimit)
      : this.q.rangeAt(prefix, start, requested, sqlLimit);
    const more = limit > 0 && rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(rowToKeyValue);
    return { items, revision: requested === 0 ? this.revision : requested, more };
  }

  async count(prefix: string): Promise<number> {
    await this.settled();
    this.assertOpen();
    return this.q.countLive(prefix);
  }

  async create(key: string, value: string): Promise<WriteResult> {
    this.assertOpen();
    const batch = this.enlist();
    const existing = this.live(key);
    if (existing) {
      await batch.committed;
      return { ok: false, reason: 'exists', current: existing };
    }
    const rev = this.revision + 1;
    this.writeRow({ rev, key, deleted: 0, createRev: rev, prevRev: null, value });
    this.noteWrite();
    this.revision = rev;
    const kv: KeyValue = { key, value, createRevision: rev, modRevision: rev };
    this.remember(kv);
    batch.events.push({ type: 'put', kv, revision: rev });
    await batch.committed;
    return { ok: true, kv, revision: rev };
  }

  async update(key: string, value: string, expectedModRevision: number): Promise<WriteResult> {
    this.assertOpen();
    const batch = this.enlist();
    const prev = this.live(key);
    if (!prev || prev.modRevision !== expectedModRevision) {
      await batch.committed;
      return prev ? { ok: false, reason: 'conflict', current: prev } : { ok: false, reason: 'not-found' };
    }
    const rev = this.revision + 1;
    this.writeRow({ rev, key, deleted: 0, createRev: prev.createRevision, prevRev: prev.modRevision, value });
    this.noteWrite();
    this.revision = rev;
    const kv: KeyValue = { key, value, createRevision: prev.createRevision, modRevision: rev };
    this.remember(kv);
    batch.events.push({ type: 'put', kv, prev, revision: rev });
    await batch.committed;
    return { ok: true, kv, revision: rev };
  }

  async delete(key: string, expectedModRevision?: number): Promise<DeleteResult> {
    this.assertOpen();
    const batch = this.enlist();
    const prev = this.live(key);
    if (!prev || (expectedModRevision !== undefined && prev.modRevision !== expectedModRevision)) {
      await batch.committed;
      return prev ? { ok: false, reason: 'conflict', current: prev } : { ok: false, reason: 'not-found' };
    }
    const rev = this.revision + 1;
    this.writeRow({ rev, key, deleted: 1, createRev: prev.createRevision, prevRev: prev.modRevision, value: '' });
    this.recent.delete(key);
    this.noteWrite();
    this.revision = rev;
    batch.events.push({ type: 'delete', kv: { ...prev, modRevision: rev }, prev, revision: rev });
    await batch.committed;
    return { ok: true, prev, revision: rev };
  }

  watch(prefix: string, options: WatchOptions): Watch {
    if (this.closed) {
      setImmediate(() => options.onError?.('closed'));
      return { close: () => undefined };
    }
    return this.hub.watch(prefix, options);
  }

  async compact(revision: number): Promise<void> {
    await this.settled();
    this.assertOpen();
    if (!Number.isInteger(revision) || revision > this.revision) {
      throw new RangeError(`cannot compact to revision ${revision}: current revision is ${this.revision}`);
    }
    if (revision <= this.compactRevision) return this.compaction;
    // From here on reads and watches below `revision` are refused, before any row goes.
    this.compactRevision = revision;
    this.q.writeMeta(metaCompactRevision, revision);
    const run = this.compaction.then(() => this.removeSuperseded(revision));
    // A failed compaction is reported to its caller; later ones still run.
    this.compaction = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.commitBatch();
    this.closed = true;
    this.hub.closeAll();
    this.recent.clear();
    await this.compaction;
    await this.checkpointer?.stop();
    this.db.close();
    this.writerLock?.close();
  }

  /** Watches currently open (for metrics and tests). */
  get watchCount(): number {
    return this.hub.size;
  }

  private async removeSuperseded(revision: number): Promise<void> {
    let from = this.q.minRevision();
    while (from <= revision && !this.closed) {
      const to = Math.min(from + compactionChunk, revision + 1);
      this.q.compactChunk(from, to, revision);
      from = to;
      // Let writers and readers in between chunks.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** The open batch, begun now if there is none; it commits at the end of this turn of the event loop. */
  private enlist(): Batch {
    if (this.batch) return this.batch;
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const committed = new Promise<void>((ok, fail) => { resolve = ok; reject = fail; });
    // Rejections reach the writers through their own await; this keeps an unawaited one quiet.
    committed.catch(() => undefined);
    this.begin.run();
    const batch: Batch = { startRevision: this.revision, events: [], committed, resolve, reject };
    this.batch = batch;
    setImmediate(() => this.commitBatch());
    return batch;
  }

  /** Commits the open batch, then publishes its events and resolves its writers. */
  private commitBatch(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    try {
      this.commit.run();
    } catch (err: unknown) {
      this.failBatch(batch, err);
      return;
    }
    this.committedRevision = this.revision;
    for (const event of batch.events) this.hub.publish(event);
    batch.resolve();
  }

  /** Nothing of the batch happened: its revisions are reused, its values forgotten, its writers told. */
  private failBatch(batch: Batch, err: unknown): void {
    if (this.batch === batch) this.batch = undefined;
    try {
      if (this.db.inTransaction) this.rollback.run();
    } catch { /* the connection rolled back already */ }
    this.revision = batch.startRevision;
    this.recent.clear();
    batch.reject(err);
  }

  /**
   * One row in its own savepoint of the open batch. A failure undoes that write alone,
   * unless SQLite gave up the whole transaction (I/O error, full disk): then the batch fails.
   */
  private writeRow(row: NewRow): void {
    try {
      this.q.write(row);
    } catch (err: unknown) {
      if (this.batch && !this.db.inTransaction) this.failBatch(this.batch, err);
      throw err;
    }
  }

  /** Waits for the open batch, if any, so reads see committed state only. */
  private async settled(): Promise<void> {
    if (this.batch) await this.batch.committed.catch(() => undefined);
  }

  /** The live value of `key`: from the recent writes, else from SQL. */
  private live(key: string): KeyValue | undefined {
    return this.recent.get(key) ?? toKeyValue(this.q.getLive(key));
  }

  private remember(kv: KeyValue): void {
    this.recent.delete(kv.key);
    // A copy: what callers hang on the published KeyValue (its decoded object, encoded
    // lines) then lives only as long as they hold it, not as long as this cache does.
    this.recent.set(kv.key, { ...kv });
    if (this.recent.size > recentLiveEntries) {
      const oldest = this.recent.keys().next();
      if (!oldest.done) this.recent.delete(oldest.value);
    }
  }

  /** Starts the checkpoint worker once the WAL holds enough to be worth folding back. */
  private noteWrite(): void {
    if (this.checkpointer || !this.onDisk || ++this.writesWithoutCheckpointer < writesBeforeCheckpointer) return;
    this.checkpointer = startCheckpointer(this.path, checkpointIntervalMs, (message) => process.emitWarning(`store checkpoint failed: ${message}`));
  }

  private checkReadRevision(revision: number): ReadAtRevisionError | undefined {
    if (revision < this.compactRevision) {
      return { ok: false, reason: 'compacted', compactRevision: this.compactRevision, currentRevision: this.revision };
    }
    if (revision > this.revision) {
      return { ok: false, reason: 'future', compactRevision: this.compactRevision, currentRevision: this.revision };
    }
    return undefined;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }
}

/** Opens (creating if needed) the store at `path`; ':memory:' gives a throwaway store. */
export async function openSqliteStore(path: string, options?: SqliteStoreOptions): Promise<SqliteStore> {
  return new SqliteStore(path, options);
}

function rowToKeyValue(row: KvRow): KeyValue {
  return { key: row.key, value: row.value, createRevision: row.create_rev, modRevision: row.rev };
}

function toKeyValue(row: KvRow | undefined): KeyValue | undefined {
  return row ? rowToKeyValue(row) : undefined;
}

function toEvent(row: EventRow): WatchEvent {
  const prev: KeyValue | undefined = row.p_rev === null || row.p_value === null
    ? undefined
    : { key: row.key, value: row.p_value, createRevision: row.create_rev, modRevision: row.p_rev };
  if (row.deleted) {
    // A tombstone's value is the deleted one, found through prev_rev (kept until compaction passes the delete).
    const kv: KeyValue = { key: row.key, value: prev?.value ?? '', createRevision: row.create_rev, modRevision: row.rev };
    return prev ? { type: 'delete', kv, prev, revision: row.rev } : { type: 'delete', kv, revision: row.rev };
  }
  const kv: KeyValue = { key: row.key, value: row.value, createRevision: row.create_rev, modRevision: row.rev };
  return prev ? { type: 'put', kv, prev, revision: row.rev } : { type: 'put', kv, revision: row.rev };
}
