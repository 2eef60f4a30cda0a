/** The apps/v1 resources. */
export { deployments } from './deployment.js';
export { replicasets } from './replicaset.js';
export { statefulsets } from './statefulset.js';
export { daemonsets } from './daemonset.js';
export { controllerrevisions } from './controllerrevision.js';
export { selectorMatches, validateLabelSelector } from './workload.js';
