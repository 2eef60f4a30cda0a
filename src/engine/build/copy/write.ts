/**
 * Writing a COPY/ADD layer straight from the planned items (no staging copy): files are
 * streamed into the tar from where they are. Parent folders the layer needs are added with
 * the metadata they already have in the image (so unpacking the layer does not change them),
 * or as root-owned 0755 folders when they are new.
 */
import { readFileSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import type { TarHeader, TarWriter } from '../../util/index.js';
import type { RootFs } from '../context/scoped.js';
import type { CopyItem } from './plan.js';

export interface Ownership {
  /** Owner for copied items (COPY defaults to root; --chown). */
  readonly owner: { uid: number; gid: number };
  /** --chmod (octal), applied to copied files and folders. */
  readonly chmod?: number;
  /** The image's files, for the metadata of existing parents. */
  readonly image: RootFs;
}

/** A file made from text (COPY heredoc). */
export interface InlineItem {
  readonly dest: string;
  readonly content: Buffer;
  readonly mode: number;
}

const SMALL_FILE = 256 << 10;

function tarPath(dest: string): string {
  return dest.replace(/^\/+/, '');
}

/** Adds the parent folders of `paths` that the layer does not already contain. */
export async function writeParents(writer: TarWriter, paths: readonly string[], own: Set<string>, image: RootFs): Promise<void> {
  const needed = new Set<string>();
  for (const p of paths) {
    for (let dir = posix.dirname(p); dir !== '/' && dir !== '.'; dir = posix.dirname(dir)) {
      if (own.has(dir) || needed.has(dir)) break;
      needed.add(dir);
    }
  }
  const now = Math.floor(Date.now() / 1000);
  for (const dir of [...needed].sort()) {
    const st = (await image.lstat(dir.slice(1)))?.stats;
    const header: TarHeader = st?.isDirectory()
      ? { path: tarPath(dir), type: 'directory', mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000), size: 0 }
      : { path: tarPath(dir), type: 'directory', mode: 0o755, uid: 0, gid: 0, mtime: now, size: 0 };
    await writer.add(header);
    own.add(dir);
  }
}

/** Writes the planned items (sorted, parents first) and heredoc files as one layer. */
export async function writeCopyLayer(writer: TarWriter, items: readonly CopyItem[], inline: readonly InlineItem[], options: Ownership): Promise<void> {
  const all = [
    ...items.map((item) => ({ dest: item.dest, item })),
    ...inline.map((file) => ({ dest: file.dest, file })),
  ].sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0));
  const own = new Set<string>();
  await writeParents(writer, all.map((e) => e.dest), own, options.image);
  const { uid, gid } = options.owner;
  for (const entry of all) {
    await writeParents(writer, [entry.dest], own, options.image);
    if ('file' in entry) {
      const mode = options.chmod ?? entry.file.mode;
      await writer.add({ path: tarPath(entry.dest), type: 'file', mode, uid, gid, mtime: Math.floor(Date.now() / 1000), size: entry.file.content.length }, entry.file.content);
      continue;
    }
    const item = entry.item;
    const base = { path: tarPath(item.dest), uid, gid, mtime: Math.floor(item.stats.mtimeMs / 1000), size: 0 };
    if (item.type === 'directory') {
      await writer.add({ ...base, type: 'directory', mode: options.chmod ?? item.stats.mode & 0o7777 });
      own.add(item.dest);
    } else if (item.type === 'symlink') {
      await writer.add({ ...base, type: 'symlink', mode: 0o777, linkName: await readlink(item.abs) });
    } else {
      // Small files are read whole in one blocking call (cheaper than a stream or a trip
      // through the thread pool per file); large ones are streamed.
      const body = item.stats.size <= SMALL_FILE ? readFileSync(item.abs) : item.abs;
      await writer.add({ ...base, type: 'file', mode: options.chmod ?? item.stats.mode & 0o7777, size: item.stats.size }, body);
    }
  }
}
