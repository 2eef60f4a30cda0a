/** The garbage collector: cascading deletion by ownerReferences (background, foreground, orphan). */
export { GarbageCollector, collectedResources } from './controller.js';
export { OwnerGraph } from './graph.js';
