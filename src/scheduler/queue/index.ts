/** The scheduling queue (active, backoff, unschedulable) and its heap. */
export { SchedulingQueue } from './scheduling-queue.js';
export type { QueueOptions } from './scheduling-queue.js';
export { Heap } from './heap.js';
