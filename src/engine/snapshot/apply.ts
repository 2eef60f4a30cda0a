/**
 * Unpacks one layer tar into an empty folder, turning the OCI whiteout convention into
 * overlayfs's: `.wh.NAME` becomes a 0:0 character device NAME, `.wh..wh..opq` sets
 * trusted.overlay.opaque=y on its directory. Ownership, modes, mtimes, symlinks, hardlinks,
 * device nodes and xattrs are kept (we run as root). Entries that would escape the folder
 * are refused (see safepath.ts).
 */
import { chmod, chown, copyFile, lchown, link, lstat, lutimes, mkdir, open, rm, symlink, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { TarReadEntry } from '../util/index.js';
import { isErrno, runTool } from '../util/index.js';
import { assertNoSymlinkParents, entryComponents, LayerSecurityError } from './safepath.js';
import { OPAQUE_XATTR, setXattr } from './xattr.js';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
const canChown = process.getuid?.() === 0;

export interface ApplyOptions {
  /** Unpacked lower layers, top first: where a hardlink to a file of an older layer is found. */
  lowerDirs?: readonly string[];
}

export interface ApplyStats {
  entries: number;
  whiteouts: number;
}

async function ensureParents(root: string, parts: readonly string[]): Promise<void> {
  if (parts.length > 1) await mkdir(join(root, ...parts.slice(0, -1)), { recursive: true, mode: 0o755 });
}

/** Removes whatever is at `path` unless it is a directory and we want one there. */
async function clearFor(path: string, wantDirectory: boolean): Promise<boolean> {
  try {
    const st = await lstat(path);
    if (wantDirectory && st.isDirectory()) return true;
    await rm(path, { recursive: true, force: true });
  } catch (err: unknown) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  return false;
}

async function setOwner(path: string, entry: TarReadEntry, symlinkItself: boolean): Promise<void> {
  if (!canChown) return;
  await (symlinkItself ? lchown(path, entry.uid, entry.gid) : chown(path, entry.uid, entry.gid));
}

async function writeFileEntry(path: string, entry: TarReadEntry): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    for await (const chunk of entry.body()) await handle.write(chunk);
    // chown first: it clears setuid/setgid bits, which chmod then sets.
    if (canChown) await handle.chown(entry.uid, entry.gid);
    await handle.chmod(entry.mode);
  } finally {
    await handle.close();
  }
}

async function mknod(path: string, kind: 'c' | 'b' | 'p', major = 0, minor = 0): Promise<void> {
  await runTool('mknod', kind === 'p' ? [path, 'p'] : [path, kind, String(major), String(minor)]);
}

async function hardlinkTarget(root: string, entry: TarReadEntry, lowerDirs: readonly string[]): Promise<{ path: string; fromLower: boolean }> {
  const targetParts = entryComponents(entry.linkName ?? '');
  if (targetParts.length === 0) throw new LayerSecurityError(entry.path, 'hardlink to the layer root');
  await assertNoSymlinkParents(root, targetParts, entry.path);
  const inLayer = join(root, ...targetParts);
  try {
    const st = await lstat(inLayer);
    if (st.isDirectory()) throw new LayerSecurityError(entry.path, `hardlink to directory "${entry.linkName}"`);
    return { path: inLayer, fromLower: false };
  } catch (err: unknown) {
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  for (const lower of lowerDirs) {
    const candidate = join(lower, ...targetParts);
    await assertNoSymlinkParents(lower, targetParts, entry.path);
    try {
      if ((await lstat(candidate)).isFile()) return { path: candidate, fromLower: true };
    } catch (err: unknown) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
  throw new Error(`layer entry "${entry.path}": hardlink target "${entry.linkName}" not found in this or a lower layer`);
}

/** Applies the entries of one layer to the empty folder `root`. */
export async function applyLayer(root: string, entries: AsyncIterable<TarReadEntry>, options: ApplyOptions = {}): Promise<ApplyStats> {
  const stats: ApplyStats = { entries: 0, whiteouts: 0 };
  // Directory mtimes are set last: creating their children would change them again.
  const directoryTimes: Array<[string, number]> = [];
  for await (const entry of entries) {
    stats.entries++;
    const parts = entryComponents(entry.path);
    if (parts.length === 0) {
      if (entry.type === 'directory') {
        await setOwner(root, entry, false);
        await chmod(root, entry.mode);
        directoryTimes.push([root, entry.mtime]);
      }
      continue;
    }
    await assertNoSymlinkParents(root, parts, entry.path);
    const base = parts[parts.length - 1]!;
    if (base.startsWith(WHITEOUT_PREFIX)) {
      await ensureParents(root, parts);
      const parent = join(root, ...parts.slice(0, -1));
      if (base === OPAQUE_MARKER) {
        await setXattr(parent, OPAQUE_XATTR, Buffer.from('y'));
      } else if (!base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) {
        const hidden = join(parent, base.slice(WHITEOUT_PREFIX.length));
        await clearFor(hidden, false);
        await mknod(hidden, 'c', 0, 0);
      } // other .wh..wh.* names are aufs bookkeeping: nothing to do
      stats.whiteouts++;
      continue;
    }
    await ensureParents(root, parts);
    const path = join(root, ...parts);
    const isDirectory = entry.type === 'directory';
    const exists = await clearFor(path, isDirectory);
    switch (entry.type) {
      case 'directory':
        if (!exists) await mkdir(path, { mode: 0o700 });
        await setOwner(path, entry, false);
        await chmod(path, entry.mode);
        directoryTimes.push([path, entry.mtime]);
        break;
      case 'file':
        await writeFileEntry(path, entry);
        break;
      case 'symlink':
        await symlink(entry.linkName ?? '', path);
        await setOwner(path, entry, true);
        break;
      case 'hardlink': {
        const target = await hardlinkTarget(root, entry, options.lowerDirs ?? []);
        if (target.fromLower) {
          // Layers are separate folders: a link to an older layer's file becomes a copy.
          await copyFile(target.path, path);
          const st = await lstat(target.path);
          if (canChown) await chown(path, st.uid, st.gid);
          await chmod(path, st.mode & 0o7777);
          await utimes(path, st.atime, st.mtime);
        } else {
          await link(target.path, path);
        }
        continue; // a hardlink shares its target's metadata
      }
      case 'chardev':
      case 'blockdev':
      case 'fifo':
        await mknod(path, entry.type === 'chardev' ? 'c' : entry.type === 'blockdev' ? 'b' : 'p', entry.devMajor, entry.devMinor);
        await setOwner(path, entry, false);
        await chmod(path, entry.mode);
        break;
    }
    for (const [name, value] of Object.entries(entry.xattrs ?? {})) await setXattr(path, name, value);
    if (!isDirectory) await lutimes(path, entry.mtime, entry.mtime);
  }
  for (const [path, mtime] of directoryTimes.reverse()) await lutimes(path, mtime, mtime);
  return stats;
}
