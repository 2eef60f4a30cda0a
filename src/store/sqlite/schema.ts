/**
 * On-disk layout of the SQLite store, modelled on kine/etcd: one row per write in `kv`
 * (the revision is the row id), so reads at an older revision and watches from a revision
 * are served from history until compaction removes superseded rows. `live` maps every
 * existing key to the row holding its current value, so lists and counts at the current
 * revision cost the number of live keys rather than the length of history.
 */
import type Database from 'better-sqlite3';

const schemaVersion = 1;

const createStatements = [
  `CREATE TABLE IF NOT EXISTS kv (
     rev        INTEGER PRIMARY KEY,
     key        TEXT    NOT NULL,
     deleted    INTEGER NOT NULL,
     create_rev INTEGER NOT NULL,
     prev_rev   INTEGER,
     value      TEXT    NOT NULL
   )`,
  `CREATE UNIQUE INDEX IF NOT EXISTS kv_key_rev ON kv (key, rev)`,
  `CREATE TABLE IF NOT EXISTS live (key TEXT PRIMARY KEY, rev INTEGER NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID`,
];

/**
 * WAL with synchronous=NORMAL: a commit is written to the WAL file (the OS page cache)
 * before better-sqlite3 returns, so it survives the death of the process (kill -9); only a
 * machine crash can lose the last commits, which is the trade etcd's users accept from kine.
 *
 * A file store checkpoints from a worker thread (checkpointer.ts), so its connection uses
 * normal locking (a second connection must reach the file) and never checkpoints itself;
 * one writer is enforced by a lock file instead (see holdWriterLock). An in-memory store
 * has no second connection and keeps exclusive locking and automatic checkpoints.
 */
export function configure(db: Database.Database, opts: { checkpointElsewhere: boolean } = { checkpointElsewhere: false }): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  if (!opts.checkpointElsewhere) db.pragma('locking_mode = EXCLUSIVE');
  else db.pragma('wal_autocheckpoint = 0');
  db.pragma('foreign_keys = OFF');
  // Keep the WAL from growing without bound after bursts; checkpoints reset it.
  db.pragma('journal_size_limit = 67108864');
}

/**
 * Makes this process the one writer of a store file: a small SQLite file beside it, held
 * with an exclusive lock for as long as the returned connection is open. A second store on
 * the same file (in this or another process) fails fast with "database is locked" instead
 * of racing our in-memory revision counter.
 */
export function holdWriterLock(open: (path: string) => Database.Database, storePath: string): Database.Database {
  const lock = open(`${storePath}.lock`);
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
    // The first write takes the exclusive lock; in EXCLUSIVE mode it is kept after commit.
    lock.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
    lock.exec('DELETE FROM holder');
    return lock;
  } catch (err: unknown) {
    lock.close();
    throw err;
  }
}

export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true });
  if (typeof version === 'number' && version > schemaVersion) {
    throw new Error(`store schema version ${version} is newer than this program understands (${schemaVersion})`);
  }
  db.transaction(() => {
    for (const sql of createStatements) db.exec(sql);
    db.pragma(`user_version = ${schemaVersion}`);
  }).immediate();
}

export const metaCompactRevision = 'compact_revision';
