/** The embedded SQLite backend of the store. */
export { SqliteStore, openSqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
