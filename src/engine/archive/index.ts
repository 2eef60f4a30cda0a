/** Image archives: docker-archive and oci-archive, both ways. */
export { saveImages } from './save.js';
export type { ArchiveFormat } from './save.js';
export { loadImages } from './load.js';
export type { LoadedImage } from './load.js';
