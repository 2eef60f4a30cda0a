/** Typed per-resource clients over the REST client. */
export { ResourceClient, coreResources } from './resource-client.js';
export type { GroupVersionResource, ObjectList, ListMeta, ListOptions, WatchOptions, DeleteOptions, PatchType, WriteOptions } from './resource-client.js';
export { connect } from './connect.js';
