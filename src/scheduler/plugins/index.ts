/** In-tree plugins and the registry that names them. */
export { inTreeRegistry } from './registry.js';
export { PrioritySort, NodeName, NodeUnschedulable, NodePorts, DefaultBinder } from './basic.js';
export { NodeAffinity } from './node-affinity.js';
export { TaintToleration } from './taint-toleration.js';
export { NodeResourcesFit, BalancedAllocation } from './node-resources.js';
export type { ScoringStrategy } from './node-resources.js';
export { PodTopologySpread } from './pod-topology-spread.js';
export { InterPodAffinity } from './inter-pod-affinity.js';
export { ImageLocality } from './image-locality.js';
export { DefaultPreemption } from './default-preemption.js';
