/**
 * Default parts of a server: the store at DATA_DIR/state.db and the builtin resources. Each line names the module it comes from, so swapping in the team's
 * implementations is a one-line change here.
 */
import { join } from 'node:path';
import type { Store } from '../store/types.js';
import type { Catalog } from './catalog.js';
import { startApiServer, type ApiServerOptions, type RunningApiServer } from './server.js';
import { builtinRegistry } from '../api/index.js';
import { openSqliteStore } from '../store/index.js';

export async function openDefaultStore(dataDir: string): Promise<Store> {
  return openSqliteStore(join(dataDir, 'state.db'));
}

export function defaultCatalog(): Catalog {
  return builtinRegistry();
}

export type ServeOptions = Omit<ApiServerOptions, 'store' | 'catalog'> & Partial<Pick<ApiServerOptions, 'store' | 'catalog'>>;

/** Starts a server on DATA_DIR with the default parts unless given others. */
export async function serve(o: ServeOptions): Promise<RunningApiServer> {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(o.dataDir, { recursive: true });
  const store = o.store ?? (await openDefaultStore(o.dataDir));
  try {
    return await startApiServer({ ...o, store, catalog: o.catalog ?? defaultCatalog() });
  } catch (err: unknown) {
    await store.close();
    throw err;
  }
}
