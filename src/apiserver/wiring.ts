/**
 * Default parts of a server: the store at DATA_DIR/state.db, the builtin resources and the
 * patch engine. Each line names the module it comes from, so swapping in the team's
 * implementations is a one-line change here.
 */
import { join } from 'node:path';
import type { Store } from '../store/types.js';
import type { Catalog } from './catalog.js';
import type { Patcher } from './patcher.js';
import { startApiServer, type ApiServerOptions, type RunningApiServer } from './server.js';
import { standinPatcher } from './standin/patch.js';
import { standinCatalog } from './standin/registry.js';
import { openStandinStore } from './standin/sqlite-store.js';

export async function openDefaultStore(dataDir: string): Promise<Store> {
  return openStandinStore(join(dataDir, 'state.db'));
}

export function defaultCatalog(): Catalog {
  return standinCatalog();
}

export function defaultPatcher(): Patcher {
  return standinPatcher;
}

export type ServeOptions = Omit<ApiServerOptions, 'store' | 'catalog' | 'patcher'> & Partial<Pick<ApiServerOptions, 'store' | 'catalog' | 'patcher'>>;

/** Starts a server on DATA_DIR with the default parts unless given others. */
export async function serve(o: ServeOptions): Promise<RunningApiServer> {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(o.dataDir, { recursive: true });
  const store = o.store ?? (await openDefaultStore(o.dataDir));
  try {
    return await startApiServer({ ...o, store, catalog: o.catalog ?? defaultCatalog(), patcher: o.patcher ?? defaultPatcher() });
  } catch (err: unknown) {
    await store.close();
    throw err;
  }
}
