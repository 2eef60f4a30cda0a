/** The cluster client: kubeconfig, REST calls, watch streams, discovery and OpenAPI. */
export { RestClient } from './rest.js';
export type { Query, RequestOptions, RawResponse, WatchEvent } from './rest.js';
export { StatusError, isNotFound, isStatus, statusErrorFrom } from './errors.js';
export { loadKubeConfig, parseKubeConfigFile, resolveConnection } from './kubeconfig.js';
export type { KubeConfig, KubeCluster, KubeUser, KubeContext, LoadedKubeConfig, ConnectionConfig, ResolveOptions } from './kubeconfig.js';
export { Discovery, findResource, resourcePath, groupResource, kindPrefix } from './discovery.js';
export type { ApiResource, ApiGroupInfo } from './discovery.js';
export { OpenApiV3 } from './openapi.js';
export type { OpenApiDocument } from './openapi.js';
