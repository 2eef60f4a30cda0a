/**
 * The store's public face: the MVCC interface, its SQLite backend, helpers, and the
 * conformance suite (import it from './testsuite.js' in tests only: it pulls in node:test).
 */
export type {
  KeyValue, RangeOptions, RangeResult, WriteResult, DeleteResult, ReadAtRevisionError, WatchEvent, Watch, WatchOptions, Store,
} from './types.js';
export { isReadError, prefixRangeEnd } from './keys.js';
export { SqliteStore, openSqliteStore, type SqliteStoreOptions } from './sqlite/index.js';
export { EtcdStore, openEtcdStore, type EtcdStoreOptions } from './etcd/index.js';
