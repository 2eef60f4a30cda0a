/** The Job controller (with ttlSecondsAfterFinished) and its pure decision function. */
export { JobController } from './controller.js';
export { decide, countPods, finishedCondition } from './status.js';
