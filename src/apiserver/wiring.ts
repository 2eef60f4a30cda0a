/**
 * Default parts of a server: the store at DATA_DIR/state.db and the builtin resources. Each line names the module it comes from, so swapping in the team's
 * implementations is a one-line change here.
 */
import { join } from 'node:path';
import type { Store } from '../store/types.js';
import type { Catalog } from './catalog.js';
import { startApiServer, type ApiServerOptions, type RunningApiServer } from './server.js';
import { BUILTIN_RESOURCES, Registry } from '../api/index.js';
import { openSqliteStore } from '../store/index.js';
import { MetricsSources } from './metrics-api.js';
import { metricsResourceTypes } from './metrics-api-resources.js';
import { withMetricsStorage } from './metrics-api-storage.js';
import { metricsPushHandler } from './metrics-api-push.js';
import { withNodeProxy } from './node-proxy.js';

export async function openDefaultStore(dataDir: string): Promise<Store> {
  return openSqliteStore(join(dataDir, 'state.db'));
}

/** The built-in resources plus the metrics API (metrics.k8s.io, served from the agents' figures). */
export function defaultCatalog(): Catalog {
  return new Registry([...BUILTIN_RESOURCES, ...metricsResourceTypes]);
}

export type ServeOptions = Omit<ApiServerOptions, 'store' | 'catalog'> & Partial<Pick<ApiServerOptions, 'store' | 'catalog'>> & {
  /** Where the metrics API's figures come from (agents register or push into it); default: none yet. */
  readonly metrics?: MetricsSources;
};

/** Starts a server on DATA_DIR with the default parts unless given others. */
export async function serve(o: ServeOptions): Promise<RunningApiServer> {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(o.dataDir, { recursive: true });
  const store = o.store ?? (await openDefaultStore(o.dataDir));
  try {
    const { metrics = new MetricsSources(), ...rest } = o;
    // Remote agents push their usage summaries to an endpoint before the API's routing.
    let token: string | undefined;
    const push = metricsPushHandler(metrics, () => token);
    const preAuthHandler = async (req: Parameters<typeof push>[0], res: Parameters<typeof push>[1], p: string): Promise<boolean> => (await push(req, res, p)) || (o.preAuthHandler ? o.preAuthHandler(req, res, p) : false);
    // pods/log, exec, attach, portforward: to a remote agent's streaming endpoint, else in-process.
    const streaming = withNodeProxy({ store, pkiDir: join(o.dataDir, 'pki'), ...(o.subresourceHandlers ? { subresource: o.subresourceHandlers } : {}), ...(o.upgradeHandlers ? { upgrade: o.upgradeHandlers } : {}) });
    const server = await startApiServer({ ...rest, preAuthHandler, subresourceHandlers: streaming.subresource, upgradeHandlers: streaming.upgrade, store: withMetricsStorage(store, metrics), catalog: o.catalog ?? defaultCatalog() });
    token = server.token;
    return server;
  } catch (err: unknown) {
    await store.close();
    throw err;
  }
}
