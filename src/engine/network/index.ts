/** Network namespace helpers for the runtime and the node agent's pod sandboxes. */
export { parseNetworkMode, formatNetworkMode, networkNamespace, namedNetnsPath } from './mode.js';
export type { NetworkMode } from './mode.js';
export { startPortProxy, stopPortProxy } from './port-proxy.js';
export type { PublishedPort } from './port-proxy.js';
