/**
 * The etcd v3 backend of the store, and a helper that runs a throwaway etcd on loopback
 * for tests (startEtcdServer).
 */
export { EtcdStore, openEtcdStore, type EtcdStoreOptions } from './etcd-store.js';
export { startEtcdServer, startEtcdCluster, type EtcdServer, type EtcdCluster, type EtcdServerOptions } from './etcd-process.js';
