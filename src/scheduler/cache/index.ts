/** The scheduler's cache of nodes and placed (bound or assumed) pods. */
export { SchedulerCache } from './cache.js';
