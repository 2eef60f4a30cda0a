/**
 * The runtime's image provider on the `skiff run` path. Running an image that is already
 * unpacked only needs four small reads (the name table, manifest, config, the snapshot
 * folders), so this module does them with nothing but node:fs and the reference parser, and
 * loads the full image store (tar, gzip, unpacking, gc: some thirty modules) only when
 * something is missing or unusual: an ID or digest reference, a layer not unpacked yet, a
 * blob that does not verify. The store then does the work, or reports the problem, as ever.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { access, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { formatReference, parseReference } from '../reference/index.js';
import type { ImageConfig, ImageManifest } from '../content/oci.js';
import { isSupportedLayerMediaType } from '../content/oci.js';
import { chainIds } from '../snapshot/chain.js';
import type { ImageProvider, PreparedImage } from '../types.js';
import { DANGLING_PREFIX } from './model.js';

interface ReferenceTableFile { references?: Record<string, { digest?: unknown }> }

const sha256Hex = /^sha256:([a-f0-9]{64})$/;

/** A blob's JSON when it exists and its bytes match its digest; otherwise undefined. */
async function verifiedJson(root: string, digest: string): Promise<unknown> {
  const hex = sha256Hex.exec(digest)?.[1];
  if (!hex) return undefined;
  const data = await readOrUndefined(join(root, 'content', 'blobs', 'sha256', hex));
  if (!data || createHash('sha256').update(data).digest('hex') !== hex) return undefined;
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined; // the store reports it
  }
}

async function readOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined; // missing or unreadable: the full store will say which
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function linkIs(path: string, target: string): Promise<boolean> {
  try {
    return (await readlink(path)) === target;
  } catch {
    return false;
  }
}

/**
 * The prepared image when `reference` is a name whose image is whole and unpacked under
 * `root`; undefined when the full store has to look (never a guess).
 */
export async function preparedFromDisk(root: string, reference: string): Promise<PreparedImage | undefined> {
  let name: string;
  try {
    const parsed = parseReference(reference);
    if (parsed.digest !== undefined) return undefined;
    name = formatReference(parsed);
  } catch {
    return undefined; // an image ID, or not a name at all
  }
  const tableText = await readOrUndefined(join(root, 'images', 'references.json'));
  if (!tableText) return undefined;
  const table = (JSON.parse(tableText.toString('utf8')) as ReferenceTableFile).references ?? {};
  const manifestDigest = table[name]?.digest;
  if (typeof manifestDigest !== 'string') return undefined;
  const manifest = (await verifiedJson(root, manifestDigest)) as Partial<ImageManifest> | undefined;
  if (!manifest || manifest.schemaVersion !== 2 || !manifest.config || !Array.isArray(manifest.layers)) return undefined;
  const config = (await verifiedJson(root, manifest.config.digest)) as Partial<ImageConfig> | undefined;
  const diffIds = config?.rootfs?.diff_ids;
  if (!config || !Array.isArray(diffIds) || diffIds.length !== manifest.layers.length) return undefined;
  if (!manifest.layers.every((l) => isSupportedLayerMediaType(l.mediaType))) return undefined;

  const chains = chainIds(diffIds).reverse();
  const hexes = chains.map((c) => sha256Hex.exec(c)?.[1]);
  if (hexes.some((h) => h === undefined)) return undefined;
  const snapshots = join(root, 'snapshots');
  // A snapshot folder that exists is whole (unpacking renames it into place when done); the
  // short links are made with it, but check them too: a mount through a missing one fails.
  const ready = await Promise.all(hexes.map(async (hex) => {
    const [whole, linked] = await Promise.all([exists(join(snapshots, hex!, 'fs')), linkIs(join(snapshots, 'l', hex!.slice(0, 12)), `../${hex!}/fs`)]);
    return whole && linked;
  }));
  if (!ready.every(Boolean)) return undefined;
  const names = Object.entries(table).filter(([n, e]) => e.digest === manifestDigest && !n.startsWith(DANGLING_PREFIX)).map(([n]) => n);
  return {
    id: manifest.config.digest,
    manifestDigest,
    reference: names[0] ?? manifest.config.digest,
    config: config.config ?? {},
    lowerDirs: hexes.map((hex) => join(snapshots, hex!, 'fs')),
    shortLowerDirs: { cwd: snapshots, dirs: hexes.map((hex) => `l/${hex!.slice(0, 12)}`) },
  };
}

/**
 * ImageProvider for the runtime: the lean read above, else the full image store under the
 * same root (loaded on first need).
 */
export function leanImageProvider(root: string): ImageProvider {
  let full: ImageProvider | undefined;
  return {
    async prepare(reference: string): Promise<PreparedImage> {
      const quick = await preparedFromDisk(root, reference);
      if (quick) return quick;
      if (!full) {
        const { openImageStore } = await import('./store.js');
        full = openImageStore(root);
      }
      return full.prepare(reference);
    },
  };
}

/**
 * leanImageProvider for a long-running process that starts many containers of the same few
 * images (the node agent: a pod burst asks for one image a hundred times). An answer is kept
 * while the name table is the same file, unchanged: any tag, pull, build or removal rewrites
 * it, blobs are named by their digest, and an image's snapshots stay while it is named. What
 * it does not see is a blob corrupted on disk after it was read (each read re-verifies it).
 */
export function cachedImageProvider(root: string): ImageProvider {
  const inner = leanImageProvider(root);
  const tablePath = join(root, 'images', 'references.json');
  const known = new Map<string, { stamp: string; image: PreparedImage }>();
  return {
    async prepare(reference: string): Promise<PreparedImage> {
      // Taken before the read: a table changed meanwhile leaves a stamp that no longer matches.
      const stamp = fileStamp(tablePath);
      const hit = known.get(reference);
      if (stamp && hit?.stamp === stamp) return copyOf(hit.image);
      const image = await inner.prepare(reference);
      if (stamp) {
        if (known.size >= 64) known.delete(known.keys().next().value ?? '');
        known.set(reference, { stamp, image: copyOf(image) });
      }
      return image;
    },
  };
}

/** The file's identity and last change; synchronous: one stat, ~5 µs, not ~30 µs of the event loop. */
function fileStamp(path: string): string | undefined {
  const info = statSync(path, { throwIfNoEntry: false, bigint: true });
  return info ? `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}` : undefined;
}

/** Each caller gets its own lists and config to change. */
function copyOf(image: PreparedImage): PreparedImage {
  return {
    ...image,
    config: structuredClone(image.config),
    lowerDirs: [...image.lowerDirs],
    ...(image.shortLowerDirs ? { shortLowerDirs: { cwd: image.shortLowerDirs.cwd, dirs: [...image.shortLowerDirs.dirs] } } : {}),
  };
}
