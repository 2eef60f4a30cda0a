/**
 * Unpacks one layer tar into an empty folder, turning the OCI whiteout convention into
 * overlayfs's: `.wh.NAME` becomes a 0:0 character device NAME, `.wh..wh..opq` sets
 * trusted.overlay.opaque=y on its directory. Ownership, modes, mtimes, symlinks, hardlinks,
 * device nodes and xattrs are kept (we run as root). Entries that would escape the folder
 * are refused (see safepath.ts).
 *
 * The folder starts empty and only we write to it, so what exists there is tracked in
 * memory (LayerTree) instead of asked of the file system: the symlink-parent check and the
 * replace-existing check cost no system calls. File system calls are synchronous: layers
 * have many small entries, and a thread-pool round trip per call would dominate.
 */
import {
  chmodSync, chownSync, closeSync, copyFileSync, fchmodSync, fchownSync, lchownSync, linkSync, lstatSync, lutimesSync,
  mkdirSync, openSync, rmSync, symlinkSync, writeSync, type Stats,
} from 'node:fs';
import { join } from 'node:path';
import type { TarReadEntry } from '../util/index.js';
import { isErrno, runTool } from '../util/index.js';
import { assertNoSymlinkParents, entryComponents, LayerSecurityError } from './safepath.js';
import { OPAQUE_XATTR, setXattr } from './xattr.js';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
const canChown = process.getuid?.() === 0;

export interface ApplyOptions {
  /** Unpacked lower layers, top first: where a hardlink to a file of an older layer is found, and parent dirs' metadata. */
  lowerDirs?: readonly string[];
}

export interface ApplyStats {
  entries: number;
  whiteouts: number;
}

type Kind = 'dir' | 'symlink' | 'other';

/** What this unpack has created so far, by relative path ('' is the root). */
class LayerTree {
  private readonly kinds = new Map<string, Kind>([['', 'dir']]);

  kindOf(rel: string): Kind | undefined {
    return this.kinds.get(rel);
  }

  set(rel: string, kind: Kind): void {
    this.kinds.set(rel, kind);
  }

  /** Forgets a path and everything below it (it was removed from disk). */
  removeSubtree(rel: string): void {
    this.kinds.delete(rel);
    const prefix = `${rel}/`;
    for (const key of this.kinds.keys()) if (key.startsWith(prefix)) this.kinds.delete(key);
  }
}

function lowerStat(lowerDirs: readonly string[], parts: readonly string[]): Stats | undefined {
  for (const lower of lowerDirs) {
    try {
      return lstatSync(join(lower, ...parts));
    } catch (err: unknown) {
      if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
    }
  }
  return undefined;
}

class LayerWriter {
  readonly tree = new LayerTree();
  /** Directory mtimes are set last: creating their children would change them again. */
  readonly directoryTimes: Array<[string, number]> = [];

  constructor(readonly root: string, readonly lowerDirs: readonly string[], readonly entryName: () => string) {}

  /**
   * Makes the parents of `parts` real directories of this layer. A parent that is a symlink
   * is refused (following it could leave the root). A parent missing from the tar copies
   * the ownership and mode of the same directory in a lower layer, so the merged view keeps them.
   */
  ensureParents(parts: readonly string[]): void {
    for (let i = 1; i < parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      const kind = this.tree.kindOf(rel);
      if (kind === 'dir') continue;
      if (kind === 'symlink') throw new LayerSecurityError(this.entryName(), `parent "${rel}" is a symlink; following it could leave the layer root`);
      const path = join(this.root, rel);
      if (kind === 'other') this.remove(rel);
      const lower = lowerStat(this.lowerDirs, parts.slice(0, i));
      mkdirSync(path, { mode: 0o755 });
      if (lower?.isDirectory()) {
        if (canChown) chownSync(path, lower.uid, lower.gid);
        chmodSync(path, lower.mode & 0o7777);
        this.directoryTimes.push([path, lower.mtimeMs / 1000]);
      }
      this.tree.set(rel, 'dir');
    }
  }

  remove(rel: string): void {
    rmSync(join(this.root, rel), { recursive: true, force: true });
    this.tree.removeSubtree(rel);
  }
}

async function mknod(path: string, kind: 'c' | 'b' | 'p', major = 0, minor = 0): Promise<void> {
  await runTool('mknod', kind === 'p' ? [path, 'p'] : [path, kind, String(major), String(minor)]);
}

async function writeFileEntry(path: string, entry: TarReadEntry): Promise<void> {
  const fd = openSync(path, 'wx', 0o600);
  try {
    for await (const chunk of entry.body()) {
      for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off);
    }
    // chown first: it clears setuid/setgid bits, which chmod then sets.
    if (canChown) fchownSync(fd, entry.uid, entry.gid);
    fchmodSync(fd, entry.mode);
  } finally {
    closeSync(fd);
  }
}

async function linkHard(w: LayerWriter, entry: TarReadEntry, path: string): Promise<void> {
  const targetParts = entryComponents(entry.linkName ?? '');
  if (targetParts.length === 0) throw new LayerSecurityError(entry.path, 'hardlink to the layer root');
  const targetRel = targetParts.join('/');
  for (let i = 1; i < targetParts.length; i++) {
    if (w.tree.kindOf(targetParts.slice(0, i).join('/')) === 'symlink') throw new LayerSecurityError(entry.path, `hardlink target "${entry.linkName}" goes through a symlink`);
  }
  const kind = w.tree.kindOf(targetRel);
  if (kind === 'dir') throw new LayerSecurityError(entry.path, `hardlink to directory "${entry.linkName}"`);
  if (kind !== undefined) {
    linkSync(join(w.root, targetRel), path);
    return;
  }
  // Layers are separate folders: a link to an older layer's file becomes a copy.
  for (const lower of w.lowerDirs) {
    await assertNoSymlinkParents(lower, targetParts, entry.path);
    const candidate = join(lower, ...targetParts);
    let st: Stats;
    try {
      st = lstatSync(candidate);
    } catch (err: unknown) {
      if (isErrno(err, 'ENOENT')) continue;
      throw err;
    }
    if (!st.isFile()) continue;
    copyFileSync(candidate, path);
    if (canChown) chownSync(path, st.uid, st.gid);
    chmodSync(path, st.mode & 0o7777);
    lutimesSync(path, st.atime, st.mtime);
    return;
  }
  throw new Error(`layer entry "${entry.path}": hardlink target "${entry.linkName}" not found in this or a lower layer`);
}

/** Applies the entries of one layer to the empty folder `root`. */
export async function applyLayer(root: string, entries: AsyncIterable<TarReadEntry>, options: ApplyOptions = {}): Promise<ApplyStats> {
  const stats: ApplyStats = { entries: 0, whiteouts: 0 };
  let current = '';
  const w = new LayerWriter(root, options.lowerDirs ?? [], () => current);
  for await (const entry of entries) {
    stats.entries++;
    current = entry.path;
    const parts = entryComponents(entry.path);
    if (parts.length === 0) {
      if (entry.type === 'directory') {
        if (canChown) chownSync(root, entry.uid, entry.gid);
        chmodSync(root, entry.mode);
        w.directoryTimes.push([root, entry.mtime]);
      }
      continue;
    }
    w.ensureParents(parts);
    const rel = parts.join('/');
    const base = parts[parts.length - 1]!;
    if (base.startsWith(WHITEOUT_PREFIX)) {
      const parentRel = parts.slice(0, -1).join('/');
      if (base === OPAQUE_MARKER) {
        await setXattr(join(root, parentRel), OPAQUE_XATTR, Buffer.from('y'));
      } else if (!base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) {
        const hiddenRel = [...parts.slice(0, -1), base.slice(WHITEOUT_PREFIX.length)].join('/');
        if (w.tree.kindOf(hiddenRel) !== undefined) w.remove(hiddenRel);
        await mknod(join(root, hiddenRel), 'c', 0, 0);
        w.tree.set(hiddenRel, 'other');
      } // other .wh..wh.* names are aufs bookkeeping: nothing to do
      stats.whiteouts++;
      continue;
    }
    const path = join(root, rel);
    const existing = w.tree.kindOf(rel);
    const isDirectory = entry.type === 'directory';
    if (existing !== undefined && !(isDirectory && existing === 'dir')) w.remove(rel);
    switch (entry.type) {
      case 'directory':
        if (existing !== 'dir') mkdirSync(path, { mode: 0o700 });
        if (canChown) chownSync(path, entry.uid, entry.gid);
        chmodSync(path, entry.mode);
        w.directoryTimes.push([path, entry.mtime]);
        w.tree.set(rel, 'dir');
        break;
      case 'file':
        await writeFileEntry(path, entry);
        w.tree.set(rel, 'other');
        break;
      case 'symlink':
        symlinkSync(entry.linkName ?? '', path);
        if (canChown) lchownSync(path, entry.uid, entry.gid);
        w.tree.set(rel, 'symlink');
        break;
      case 'hardlink':
        await linkHard(w, entry, path);
        w.tree.set(rel, 'other');
        continue; // a hardlink shares its target's metadata
      case 'chardev':
      case 'blockdev':
      case 'fifo':
        await mknod(path, entry.type === 'chardev' ? 'c' : entry.type === 'blockdev' ? 'b' : 'p', entry.devMajor, entry.devMinor);
        if (canChown) chownSync(path, entry.uid, entry.gid);
        chmodSync(path, entry.mode);
        w.tree.set(rel, 'other');
        break;
    }
    for (const [name, value] of Object.entries(entry.xattrs ?? {})) await setXattr(path, name, value);
    if (!isDirectory) lutimesSync(path, entry.mtime, entry.mtime);
  }
  // Deepest first, so setting a child's time does not disturb its parent's again.
  for (const [path, mtime] of w.directoryTimes.reverse()) lutimesSync(path, mtime, mtime);
  return stats;
}
