/**
 * Turning folders back into layers. `diffDirectory` reads an overlayfs upper dir and writes
 * its changes as an OCI layer: 0:0 character devices become `.wh.NAME` entries and opaque
 * directories get a `.wh..wh..opq` entry. `layerFromDirectory` packs a plain folder (COPY).
 * Entries are sorted by name so the same tree always gives the same tar; real mtimes are kept.
 */
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Stats } from 'node:fs';
import { storeLayer, type ContentStore, type StoredLayer } from '../content/index.js';
import { tarStream, type TarHeader, type TarWriter } from '../util/index.js';
import { OPAQUE_XATTR, readXattrsRecursive } from './xattr.js';

export interface PackOptions {
  /** Read overlayfs whiteouts and opaque markers (for upper dirs). */
  overlay?: boolean;
  /** Put everything under this path inside the layer (e.g. `app` for COPY . /app). */
  prefix?: string;
  /** Force ownership (COPY --chown). */
  owner?: { uid: number; gid: number };
}

function sortedNames(names: string[]): string[] {
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function header(path: string, st: Stats, options: PackOptions): Omit<TarHeader, 'type'> {
  return {
    path, mode: st.mode & 0o7777, uid: options.owner?.uid ?? st.uid, gid: options.owner?.gid ?? st.gid,
    mtime: Math.floor(st.mtimeMs / 1000), size: 0,
  };
}

async function packTree(writer: TarWriter, root: string, options: PackOptions): Promise<void> {
  const xattrs = await readXattrsRecursive(root);
  const seenInodes = new Map<string, string>();
  const prefix = (options.prefix ?? '').split('/').filter((p) => p !== '' && p !== '.').join('/');
  if (prefix !== '') {
    // Parent folders of the prefix, so the layer is self-contained.
    const parts = prefix.split('/');
    const rootStat = await lstat(root);
    for (let i = 1; i <= parts.length; i++) {
      await writer.add({ ...header(parts.slice(0, i).join('/'), rootStat, i === parts.length ? options : {}), type: 'directory', ...(i < parts.length ? { mode: 0o755, uid: 0, gid: 0 } : {}) });
    }
  }
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of sortedNames(await readdir(dir))) {
      const abs = join(dir, name);
      const path = [prefix, rel, name].filter((p) => p !== '').join('/');
      const st = await lstat(abs);
      const base = header(path, st, options);
      const attrs = xattrs.get(abs);
      const kept: Record<string, Buffer> = {};
      for (const [key, value] of attrs ?? []) if (!key.startsWith('trusted.overlay.')) kept[key] = value;
      const withXattrs = Object.keys(kept).length > 0 ? { xattrs: kept } : {};
      if (options.overlay && st.isCharacterDevice() && st.rdev === 0) {
        await writer.add({ ...base, path: [prefix, rel, `.wh.${name}`].filter((p) => p !== '').join('/'), type: 'file', mode: 0, uid: 0, gid: 0 });
      } else if (st.isDirectory()) {
        await writer.add({ ...base, type: 'directory', ...withXattrs });
        if (options.overlay && attrs?.get(OPAQUE_XATTR)?.toString() === 'y') {
          await writer.add({ ...base, path: `${path}/.wh..wh..opq`, type: 'file', mode: 0, uid: 0, gid: 0 });
        }
        await walk(abs, rel === '' ? name : `${rel}/${name}`);
      } else if (st.isSymbolicLink()) {
        await writer.add({ ...base, type: 'symlink', linkName: await readlink(abs) });
      } else if (st.isFile()) {
        const inode = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1 ? seenInodes.get(inode) : undefined;
        if (first !== undefined) {
          await writer.add({ ...base, type: 'hardlink', linkName: first });
        } else {
          if (st.nlink > 1) seenInodes.set(inode, path);
          await writer.add({ ...base, type: 'file', size: st.size, ...withXattrs }, abs);
        }
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        const rdev = st.rdev;
        // Linux dev_t: major in bits 8-19 (and 32+), minor in bits 0-7 and 20-31.
        const major = ((rdev >> 8) & 0xfff) | (Math.floor(rdev / 2 ** 32) & ~0xfff);
        const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
        await writer.add({ ...base, type: st.isCharacterDevice() ? 'chardev' : 'blockdev', devMajor: major, devMinor: minor });
      } else if (st.isFIFO()) {
        await writer.add({ ...base, type: 'fifo' });
      } // sockets are not carried in layers, as in Docker
    }
  };
  await walk(root, '');
}

/** The layer tar (uncompressed) for a folder; see PackOptions. */
export function packDirectory(root: string, options: PackOptions = {}): Readable {
  return tarStream((writer) => packTree(writer, root, options));
}

/** An overlayfs upper dir -> a stored, gzipped layer with its diffID. */
export async function diffDirectory(upperDir: string, store: ContentStore): Promise<StoredLayer> {
  return storeLayer(store, packDirectory(upperDir, { overlay: true }));
}

/** A plain folder -> a stored layer (COPY/ADD, import of a directory). */
export async function layerFromDirectory(dir: string, store: ContentStore, options: Omit<PackOptions, 'overlay'> = {}): Promise<StoredLayer> {
  return storeLayer(store, packDirectory(dir, options));
}
