/** The DaemonSet controller and its pure placement rules. */
export { DaemonSetController } from './controller.js';
export type { DaemonSet } from './controller.js';
export { shouldRunOn, templateForNode, nodeOfPod, tolerates, daemonTolerations } from './placement.js';
