/** Work queues of keys for controllers: dedup, one key in flight, rate-limited retries. */
export { WorkQueue, runWorkers } from './queue.js';
export type { WorkQueueOptions } from './queue.js';
export { ExponentialRateLimiter } from './rate-limiter.js';
export type { RateLimiter } from './rate-limiter.js';
