/**
 * The runtime's image provider on the `skiff run` path. Running an image that is already
 * unpacked only needs four small reads (the name table, manifest, config, the snapshot
 * folders), so this module does them with nothing but node:fs and the reference parser, and
 * loads the full image store (tar, gzip, unpacking, gc: some thirty modules) only when
 * something is missing or unusual: an ID or digest reference, a layer not unpacked yet, a
 * blob that does not verify. The store then does the work, or reports the problem, as ever.
 */
import { createHash } from 'node:crypto';
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
