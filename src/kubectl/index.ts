/** skiff kubectl: the verbs, printers and argument handling of kubectl 1.32. */
export { runKubectl } from './run.js';
export type { IO } from './factory.js';
