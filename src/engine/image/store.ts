/**
 * The image store: names -> manifests (references.json) over the content store, and
 * snapshots unpacked on demand. Implements ImageProvider for the runtime and the builder.
 */
import { join } from 'node:path';
import {
  ContentStore, DigestMismatchError, assertConfig, assertManifest, isSupportedLayerMediaType, MediaType,
  type Descriptor, type ImageConfig, type ImageManifest,
} from '../content/index.js';
import { formatReference, looksLikeImageId, parseReference, type ImageReference } from '../reference/index.js';
import { SnapshotStore, chainIds } from '../snapshot/index.js';
import { defaultEngineRoot, type ImageProvider, type PreparedImage } from '../types.js';
import { ImageConflictError, ImageNotFoundError } from './errors.js';
import { DANGLING_PREFIX, shortId, type ImageInfo } from './model.js';
import { ReferenceTable, type ReferenceEntry } from './refs.js';
import { applyRemoval, namesOf, pointNames } from './naming.js';
import { collectGarbage, type GcOptions, type GcResult } from './gc.js';

export interface CreateImageInput {
  config: ImageConfig;
  layers: Descriptor[];
  /** Names to point at the new image (any form `parseReference` takes). */
  names?: string[];
  manifestAnnotations?: Record<string, string>;
}

export interface RemoveResult {
  /** Normalised names removed. */
  untagged: string[];
  /** Image IDs whose image was deleted. */
  deleted: string[];
}


export interface ImageStoreOptions {
  /**
   * IDs of containers that use an image (by image ID). The runtime supplies this so `rmi`
   * refuses to delete an image a container runs on, as Docker does; without it no image
   * counts as in use.
   */
  containersUsing?: (imageId: string) => Promise<string[]>;
}

export class ImageStore implements ImageProvider {
  readonly content: ContentStore;
  readonly snapshots: SnapshotStore;
  readonly refs: ReferenceTable;

  constructor(readonly root: string, private readonly options: ImageStoreOptions = {}) {
    this.content = new ContentStore(join(root, 'content'));
    this.snapshots = new SnapshotStore(join(root, 'snapshots'));
    this.refs = new ReferenceTable(join(root, 'images'));
  }

  async readManifest(digest: string): Promise<ImageManifest> {
    return assertManifest(await this.content.getJson(digest), digest);
  }

  async readConfig(digest: string): Promise<ImageConfig> {
    return assertConfig(await this.content.getJson(digest), digest);
  }

  private async info(manifestDigest: string, names: string[]): Promise<ImageInfo> {
    const manifest = await this.readManifest(manifestDigest);
    const config = await this.readConfig(manifest.config.digest);
    const size = manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0);
    return { id: manifest.config.digest, manifestDigest, manifest, config, names: names.filter((n) => !n.startsWith(DANGLING_PREFIX)), size };
  }

  /** The image a manifest digest names, with the names pointing at it. */
  async byManifest(manifestDigest: string): Promise<ImageInfo> {
    return this.info(manifestDigest, namesOf(await this.refs.read(), manifestDigest));
  }

  /** Every image (one entry per manifest), newest first. */
  async list(): Promise<ImageInfo[]> {
    const byManifest = new Map<string, string[]>();
    for (const [name, entry] of Object.entries(await this.refs.read())) {
      byManifest.set(entry.digest, [...(byManifest.get(entry.digest) ?? []), name]);
    }
    const images = await Promise.all([...byManifest].map(([digest, names]) => this.info(digest, names)));
    return images.sort((a, b) => (b.config.created ?? '').localeCompare(a.config.created ?? ''));
  }

  /**
   * Finds an image by name (`busybox`, `docker.io/library/busybox:latest`, `x@sha256:...`),
   * by full image ID or by a unique ID prefix (at least 3 hex digits), as Docker does.
   */
  async resolve(nameOrId: string): Promise<ImageInfo> {
    const refs = await this.refs.read();
    let parsed: ImageReference | undefined;
    try {
      parsed = parseReference(nameOrId);
    } catch {
      parsed = undefined; // not a name; it may still be an ID (e.g. `sha256:...`)
    }
    if (parsed) {
      if (parsed.digest !== undefined) {
        const digest = parsed.digest;
        const names = Object.entries(refs).filter(([, e]) => e.digest === digest).map(([n]) => n);
        if (names.length > 0 || (await this.content.has(digest))) return this.info(digest, names);
      } else {
        const entry = refs[formatReference(parsed)];
        if (entry) return this.info(entry.digest, namesOf(refs, entry.digest));
      }
    }
    if (looksLikeImageId(nameOrId)) {
      const prefix = nameOrId.replace(/^sha256:/, '');
      const matches = new Map<string, ImageInfo>();
      for (const image of await this.list()) {
        if (image.id.slice('sha256:'.length).startsWith(prefix)) matches.set(image.manifestDigest, image);
      }
      if (matches.size === 1) return [...matches.values()][0]!;
      if (matches.size > 1) throw new ImageConflictError(`image ID prefix "${nameOrId}" is ambiguous: it matches ${matches.size} images`);
    }
    throw new ImageNotFoundError(nameOrId);
  }

  /** Stores config + manifest for the given layers (already in the content store) and names it. */
  async createImage(input: CreateImageInput): Promise<ImageInfo> {
    if (input.config.rootfs.diff_ids.length !== input.layers.length) {
      throw new Error(`image has ${input.layers.length} layers but its config lists ${input.config.rootfs.diff_ids.length} diff_ids`);
    }
    const configBlob = await this.content.put(JSON.stringify(input.config));
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: { mediaType: MediaType.ociConfig, digest: configBlob.digest, size: configBlob.size },
      layers: input.layers,
      ...(input.manifestAnnotations ? { annotations: input.manifestAnnotations } : {}),
    };
    const manifestBlob = await this.content.put(JSON.stringify(manifest));
    await this.setNames(manifestBlob.digest, input.names ?? []);
    return this.info(manifestBlob.digest, (input.names ?? []).map((n) => formatReference(parseReference(n))));
  }

  /**
   * Points names at a manifest. A manifest with no name is kept as dangling (`<none>`), as
   * Docker keeps an image whose tag moved away, until it is pruned.
   */
  async setNames(manifestDigest: string, names: string[]): Promise<void> {
    const normalised = names.map((n) => formatReference(parseReference(n)));
    await this.refs.update(async (refs) => {
      pointNames(refs, manifestDigest, normalised);
      await this.writeIndexFrom(refs);
    });
  }

  async tag(source: string, target: string): Promise<void> {
    const image = await this.resolve(source);
    await this.setNames(image.manifestDigest, [target]);
  }

  /**
   * `rmi`: a name that is one of several only loses that name; otherwise the image is
   * deleted and its blobs and snapshots collected. Deleting by ID an image with several
   * names needs `force`, as in Docker.
   */
  async remove(nameOrId: string, options: { force?: boolean } = {}): Promise<RemoveResult> {
    const image = await this.resolve(nameOrId);
    let byName: string | undefined;
    try {
      const parsed = parseReference(nameOrId);
      if (parsed.digest === undefined && image.names.includes(formatReference(parsed))) byName = formatReference(parsed);
    } catch {
      byName = undefined; // an ID
    }
    return this.removeImage(image, { ...options, ...(byName !== undefined ? { byName } : {}) });
  }

  /**
   * Removes a resolved image: only the name `byName` when it has others, else every name and
   * the image itself (several names need `force`), then collects its blobs and snapshots.
   */
  async removeImage(image: ImageInfo, options: { force?: boolean; byName?: string } = {}): Promise<RemoveResult> {
    const users = await this.containersUsing(image.id);
    const outcome = await this.refs.update(async (refs) => {
      const result = applyRemoval(refs, {
        imageId: image.id, manifestDigest: image.manifestDigest, users,
        ...(options.byName !== undefined ? { byName: options.byName } : {}), ...(options.force !== undefined ? { force: options.force } : {}),
      });
      await this.writeIndexFrom(refs);
      return result;
    });
    const result: RemoveResult = { untagged: outcome.untagged, deleted: outcome.deleted ? [image.id] : [] };
    if (result.deleted.length > 0) {
      await this.gc({
        candidates: {
          blobs: [image.manifestDigest, image.id, ...image.manifest.layers.map((l) => l.digest)],
          snapshots: chainIds(image.config.rootfs.diff_ids),
        },
      });
    }
    return result;
  }

  /** Containers (IDs) that use the image, as far as the runtime told us. */
  async containersUsing(imageId: string): Promise<string[]> {
    return (await this.options.containersUsing?.(imageId)) ?? [];
  }

  /** Deletes blobs and snapshots no image needs (see gc.ts). */
  async gc(options: GcOptions = {}): Promise<GcResult> {
    return collectGarbage(this, options);
  }

  /**
   * Keeps content/index.json listing the named manifests, so OCI tools can read the layout.
   * Called with the reference lock held, so two processes cannot interleave their views.
   */
  private async writeIndexFrom(refs: Record<string, ReferenceEntry>): Promise<void> {
    const manifests: Descriptor[] = [];
    for (const [name, entry] of Object.entries(refs)) {
      const size = await this.content.size(entry.digest);
      if (size === undefined) continue;
      const annotations = name.startsWith(DANGLING_PREFIX) ? undefined : { 'io.containerd.image.name': name, 'org.opencontainers.image.ref.name': name };
      manifests.push({ mediaType: MediaType.ociManifest, digest: entry.digest, size, ...(annotations ? { annotations } : {}) });
    }
    await this.content.writeIndex(manifests);
  }

  /** ImageProvider: resolve and unpack every layer (once), bottom up. */
  async prepare(reference: string): Promise<PreparedImage> {
    const image = await this.resolve(reference);
    const diffIds = image.config.rootfs.diff_ids;
    if (diffIds.length !== image.manifest.layers.length) {
      throw new Error(`image ${shortId(image.id)}: manifest has ${image.manifest.layers.length} layers, config lists ${diffIds.length} diff_ids`);
    }
    const chains = chainIds(diffIds);
    const dirs: string[] = [];
    for (const [i, layer] of image.manifest.layers.entries()) {
      if (!isSupportedLayerMediaType(layer.mediaType)) throw new Error(`image ${shortId(image.id)}: unsupported layer media type ${layer.mediaType}`);
      let path: string;
      try {
        ({ path } = await this.snapshots.unpack(chains[i]!, this.content.read(layer.digest), [...dirs].reverse(), diffIds[i]));
      } catch (err: unknown) {
        if (err instanceof DigestMismatchError) throw err;
        throw new Error(`unpacking layer ${layer.digest} of image ${shortId(image.id)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      dirs.push(path);
    }
    return {
      id: image.id,
      manifestDigest: image.manifestDigest,
      reference: image.names[0] ?? image.id,
      config: image.config.config ?? {},
      lowerDirs: dirs.reverse(),
      shortLowerDirs: { cwd: this.snapshots.dir, dirs: [...chains].reverse().map((c) => this.snapshots.shortPath(c)) },
    };
  }
}


/** Opens the image store under an engine root (SKIFF_ROOT or /var/lib/skiff/engine by default). */
export function openImageStore(root: string = defaultEngineRoot(), options: ImageStoreOptions = {}): ImageStore {
  return new ImageStore(root, options);
}
