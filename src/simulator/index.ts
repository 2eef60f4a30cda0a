/** Simulated ("hollow") nodes: registered Nodes with Leases and a fake kubelet, as kwok. */
export { HollowNodes, startHollowNodes } from './hollow-nodes.js';
export type { HollowNodeOptions } from './hollow-nodes.js';
export { podCidrFor, IpPool } from './addresses.js';
export { defaultCapacity } from './node-object.js';
export type { HollowCapacity } from './node-object.js';
