/** The StatefulSet controller and its pure step planner. */
export { StatefulSetController } from './controller.js';
export type { StatefulSet } from './controller.js';
export { plan } from './plan.js';
