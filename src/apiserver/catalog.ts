/**
 * The resources the server serves: the registry (src/api/registry.ts) of built-in entries,
 * to which CRDs add and from which they remove their resources at run time.
 */
export type { Registry as Catalog } from '../api/index.js';
