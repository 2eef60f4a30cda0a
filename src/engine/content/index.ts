/** The content store (OCI image layout) and the OCI document types kept in it. */
export { ContentStore, DigestMismatchError, BlobNotFoundError, HashingStream, parseDigest, sha256Digest } from './store.js';
export type { WrittenBlob } from './store.js';
export { storeLayer } from './layer.js';
export type { StoredLayer } from './layer.js';
export {
  MediaType, isManifestMediaType, isIndexMediaType, isSupportedLayerMediaType, hostPlatform, assertManifest, assertConfig,
} from './oci.js';
export type { Descriptor, ImageManifest, ImageIndex, ImageConfig, HistoryEntry, Platform } from './oci.js';
