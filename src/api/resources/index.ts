/** Every built-in resource entry, by API group. */
export * as core from './core/index.js';
export * as apps from './apps/index.js';
export * as batch from './batch/index.js';
export * as autoscaling from './autoscaling/index.js';
export * as coordination from './coordination/index.js';
export * as scheduling from './scheduling/index.js';
export * as discovery from './discovery/index.js';
export * as events from './events/index.js';
export * as apiextensions from './apiextensions/index.js';
