/** Client-side apply helpers: the last-applied annotation and the three-way patch. */
export { threeWayPatch, deepEqual } from './three-way.js';
export { withLastApplied, readLastApplied, lastAppliedAnnotation } from './last-applied.js';
export type { SchemaCursor } from './schema.js';
