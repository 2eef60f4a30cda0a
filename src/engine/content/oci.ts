/**
 * OCI image-spec documents (manifest, index, config) and their media types. Docker's v2
 * schema 2 media types are accepted wherever the OCI ones are: they have the same shapes.
 */
import type { ImageRuntimeConfig } from '../types.js';

export const MediaType = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  ociLayerNondistributableGzip: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayerGzip: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

export function isManifestMediaType(mediaType: string | undefined): boolean {
  return mediaType === MediaType.ociManifest || mediaType === MediaType.dockerManifest;
}

export function isIndexMediaType(mediaType: string | undefined): boolean {
  return mediaType === MediaType.ociIndex || mediaType === MediaType.dockerManifestList;
}

/** Layer media types we can unpack (plain tar or gzip; both OCI and Docker spellings). */
export function isSupportedLayerMediaType(mediaType: string): boolean {
  return [MediaType.ociLayer, MediaType.ociLayerGzip, MediaType.ociLayerNondistributableGzip, MediaType.dockerLayerGzip,
    MediaType.dockerForeignLayerGzip, 'application/vnd.oci.image.layer.nondistributable.v1.tar'].includes(mediaType as never);
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
  urls?: string[];
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  config?: ImageRuntimeConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: HistoryEntry[];
}

/** The platform this machine runs, as OCI names it. */
export function hostPlatform(): Platform {
  const arch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  return { architecture: arch[process.arch] ?? process.arch, os: 'linux' };
}

/** Throws a clear error unless the value has the shape of an image manifest. */
export function assertManifest(value: unknown, digest: string): ImageManifest {
  const m = value as Partial<ImageManifest> | null;
  if (!m || typeof m !== 'object' || m.schemaVersion !== 2 || !m.config || !Array.isArray(m.layers)) {
    throw new Error(`blob ${digest} is not an image manifest`);
  }
  return m as ImageManifest;
}

export function assertConfig(value: unknown, digest: string): ImageConfig {
  const c = value as Partial<ImageConfig> | null;
  if (!c || typeof c !== 'object' || !c.rootfs || !Array.isArray(c.rootfs.diff_ids)) {
    throw new Error(`blob ${digest} is not an image config (no rootfs.diff_ids)`);
  }
  return c as ImageConfig;
}
