/** Builders for the scheduler's unit tests. */
export { pod, node, snapshot } from './fixtures.js';
