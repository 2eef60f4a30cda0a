/** What the image store reports about one image. */
import type { ImageConfig, ImageManifest } from '../content/index.js';

export interface ImageInfo {
  /** Config digest (`sha256:...`): the image ID. */
  id: string;
  manifestDigest: string;
  manifest: ImageManifest;
  config: ImageConfig;
  /** Normalised names pointing at it (`docker.io/library/busybox:latest`); empty when dangling. */
  names: string[];
  /** Bytes stored: config plus (compressed) layers. */
  size: number;
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

/** Keys in the reference table for images that lost their last name but are kept (`<none>`). */
export const DANGLING_PREFIX = '@dangling/';
