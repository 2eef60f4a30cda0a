/** The image store: names, images, garbage collection, and ImageProvider for the runtime. */
export { ImageStore, openImageStore } from './store.js';
export type { CreateImageInput, RemoveResult, ImageStoreOptions } from './store.js';
export { ImageNotFoundError, ImageConflictError } from './errors.js';
export { shortId, DANGLING_PREFIX } from './model.js';
export type { ImageInfo } from './model.js';
export type { GcResult, GcOptions } from './gc.js';
export { importRootfs } from './import.js';
export type { ImportOptions } from './import.js';
export { applyChanges } from './changes.js';
export { cachedImageProvider, leanImageProvider, preparedFromDisk } from './lean.js';
export { openImageStoreWithUsage, runtimeUsageCheck } from './usage.js';
