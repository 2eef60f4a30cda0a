/**
 * Garbage collection: blobs and snapshots that no named or dangling image reaches are
 * deleted. Runs under the reference lock so no name can appear meanwhile; blobs and snapshots
 * younger than the grace period are kept because another process may be writing an image
 * that will name them (the content store refreshes a blob's mtime when it is written again).
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageStore } from './store.js';
import { chainIds } from '../snapshot/index.js';
import { isErrno } from '../util/index.js';

export interface GcResult {
  blobsRemoved: number;
  bytesFreed: number;
  snapshotsRemoved: number;
}

const DEFAULT_GRACE_MS = 5 * 60_000;
/** Temp files and folders older than this were left by a process that died mid-write. */
const ABANDONED_MS = 60 * 60_000;

async function youngerThan(path: string, cutoff: number): Promise<boolean> {
  try {
    return (await stat(path)).mtimeMs > cutoff;
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

async function removeAbandoned(dir: string, match: (name: string) => boolean): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT')) return;
    throw err;
  }
  const cutoff = Date.now() - ABANDONED_MS;
  for (const name of names.filter(match)) {
    try {
      if ((await stat(join(dir, name))).mtimeMs < cutoff) await rm(join(dir, name), { recursive: true, force: true });
    } catch (err: unknown) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
}

export interface GcOptions {
  /** Keep unreferenced blobs younger than this (default 5 minutes). */
  graceMs?: number;
  /**
   * Only consider these blobs and snapshots (those of an image just removed); they are
   * deleted at once when unreferenced, without the grace period.
   */
  candidates?: { blobs: readonly string[]; snapshots: readonly string[] };
}

export async function collectGarbage(store: ImageStore, options: GcOptions = {}): Promise<GcResult> {
  const grace = options.candidates ? 0 : options.graceMs ?? DEFAULT_GRACE_MS;
  return store.refs.locked(async () => {
    const keepBlobs = new Set<string>();
    const keepSnapshots = new Set<string>();
    for (const entry of Object.values(await store.refs.read())) {
      keepBlobs.add(entry.digest);
      try {
        const manifest = await store.readManifest(entry.digest);
        keepBlobs.add(manifest.config.digest);
        for (const layer of manifest.layers) keepBlobs.add(layer.digest);
        const config = await store.readConfig(manifest.config.digest);
        for (const chain of chainIds(config.rootfs.diff_ids)) keepSnapshots.add(chain);
      } catch (err: unknown) {
        // A broken image must not make us delete what it might still need: stop here.
        throw new Error(`garbage collection stopped: cannot read image ${entry.digest}`, { cause: err });
      }
    }
    const result: GcResult = { blobsRemoved: 0, bytesFreed: 0, snapshotsRemoved: 0 };
    const cutoff = Date.now() - grace;
    const blobs = options.candidates ? options.candidates.blobs : await store.content.list();
    const snapshots = options.candidates ? options.candidates.snapshots : await store.snapshots.list();
    for (const digest of blobs) {
      if (keepBlobs.has(digest)) continue;
      try {
        const st = await stat(store.content.blobPath(digest));
        if (grace > 0 && st.mtimeMs > cutoff) continue;
        await store.content.delete(digest);
        result.blobsRemoved++;
        result.bytesFreed += st.size;
      } catch (err: unknown) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
    }
    for (const chain of snapshots) {
      if (keepSnapshots.has(chain)) continue;
      // Young snapshots may belong to a build in progress whose image is not named yet.
      if (grace > 0 && (await youngerThan(join(store.snapshots.fsPath(chain), '..'), cutoff))) continue;
      await store.snapshots.remove(chain);
      result.snapshotsRemoved++;
    }
    if (!options.candidates) {
      const isTemp = (n: string): boolean => n.startsWith('.tmp-');
      await removeAbandoned(store.snapshots.dir, isTemp);
      await removeAbandoned(join(store.snapshots.dir, 'l'), isTemp);
      await removeAbandoned(join(store.content.dir, 'ingest'), () => true);
    }
    return result;
  });
}
