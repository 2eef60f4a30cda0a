/**
 * Storing layers: a tar stream is hashed uncompressed (its diffID, which the image config
 * lists) and gzipped into the content store (its digest, which the manifest lists).
 */
import { createGzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { HashingStream, type ContentStore } from './store.js';
import { MediaType, type Descriptor } from './oci.js';

export interface StoredLayer {
  descriptor: Descriptor;
  diffId: string;
  /** Bytes of the uncompressed tar. */
  uncompressedSize: number;
}

export async function storeLayer(store: ContentStore, tar: Readable | AsyncIterable<Buffer>): Promise<StoredLayer> {
  const uncompressed = new HashingStream();
  const blob = await store.ingest(tar, undefined, [uncompressed, createGzip()]);
  return {
    descriptor: { mediaType: MediaType.ociLayerGzip, digest: blob.digest, size: blob.size },
    diffId: uncompressed.digest(),
    uncompressedSize: uncompressed.bytes,
  };
}
