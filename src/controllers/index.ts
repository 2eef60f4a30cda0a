/** The controller manager and its controllers (public face of src/controllers). */
export { startControllerManager } from './manager.js';
export type { ControllerManagerOptions, RunningControllerManager } from './manager.js';
export { controllerFactories } from './registry.js';
export type { ControllerName } from './registry.js';
