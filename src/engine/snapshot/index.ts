/** Snapshots: layers unpacked for overlayfs, and folders (upper dirs) packed back into layers. */
export { SnapshotStore, chainIds } from './store.js';
export { applyLayer } from './apply.js';
export type { ApplyOptions, ApplyStats } from './apply.js';
export { LayerSecurityError } from './safepath.js';
export { diffDirectory, layerFromDirectory, packDirectory } from './diff.js';
export type { PackOptions } from './diff.js';
export { OPAQUE_XATTR } from './xattr.js';
