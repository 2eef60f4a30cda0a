/** The scheduling framework: extension-point interfaces, Status values, NodeInfo and the runtime. */
export * from './types.js';
export * from './status.js';
export { NodeInfo, PodInfo, portKey } from './node-info.js';
export type { PriorityInfo } from './node-info.js';
export { Resources, podRequests, nonZeroRequests } from './resources.js';
export { Framework, pluginImplements } from './runtime.js';
export type { Pod, Node, PodSpec, Taint, Toleration } from './api.js';
