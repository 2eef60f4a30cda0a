/** The scheduling.k8s.io/v1 resources. */
export { priorityclasses, highestUserDefinablePriority } from './priorityclass.js';
