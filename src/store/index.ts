/**
 * The store's public face: the MVCC interface, its SQLite backend, helpers, and the
 * conformance suite (import it from './testsuite.js' in tests only: it pulls in node:test).
 */
export type {
  KeyValue, RangeOptions, RangeResult, WriteResult, DeleteResult, ReadAtRevisionError, WatchEvent, Watch, WatchOptions, Store,
} from './types.js';
export { isReadError, prefixRangeEnd } from './keys.js';
export { SqliteStore, openSqliteStore, type SqliteStoreOptions } from './sqlite/index.js';
// The etcd backend loads on first use: its gRPC client costs about 12 MB of RSS and a few hundred ms at
// start-up, which a server on the SQLite default should not pay.
export type { EtcdStore, EtcdStoreOptions } from './etcd/index.js';
import type { EtcdStore, EtcdStoreOptions } from './etcd/index.js';

export async function openEtcdStore(options: EtcdStoreOptions): Promise<EtcdStore> {
  const etcd = await import('./etcd/index.js');
  return etcd.openEtcdStore(options);
}
