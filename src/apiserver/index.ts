/** Public face of the API server. */
export { startApiServer, type ApiServerOptions, type RunningApiServer } from './server.js';
export { serve, openDefaultStore, defaultCatalog, type ServeOptions } from './wiring.js';
export type { Catalog } from './catalog.js';
export type { Patcher } from './patcher.js';
export type { SubresourceHandler } from './resource-handler.js';
export type { UpgradeHandler } from './upgrade.js';
export { kubeconfigYaml } from './auth/kubeconfig.js';
export { createInProcessTransport, inProcessAdmin } from './in-process.js';
export type { User } from './auth/authn.js';
export { MetricsSources, type MetricsProvider, type UsageSummary } from './metrics-api.js';
