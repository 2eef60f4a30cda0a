/** The pod garbage collector: pods of vanished nodes, unscheduled terminating pods, old finished pods. */
export { PodGarbageCollector } from './controller.js';
export type { PodGcOptions } from './controller.js';
