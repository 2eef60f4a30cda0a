/** The node lifecycle controller (heartbeats -> conditions, taints, evictions) and its pure rules. */
export { NodeLifecycleController } from './controller.js';
export type { NodeLifecycleOptions } from './controller.js';
export { lastHeard, unknownConditions, desiredTaints, evictionTime, notReadyTaint, unreachableTaint } from './health.js';
