/** Node IPAM: pod CIDRs for Nodes from the cluster CIDR. */
export { NodeIpamController, defaultClusterCIDR, type NodeIpamOptions } from './controller.js';
export { firstFreeBlock, parseCidr, formatCidr } from './cidrs.js';
