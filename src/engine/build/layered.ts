/**
 * An image's layers seen merged without mounting them: a path is looked up from the top
 * layer down, as overlayfs does: the first layer with an entry decides, a whiteout (0:0
 * character device) hides it, and a folder merges with the same folder below only while
 * every layer above has it as a folder. Opaque markers (an xattr Node cannot read) are not
 * honoured, so a folder a RUN emptied and refilled may show entries from below; callers use
 * this view only to look at single paths (a COPY's destination, /etc/passwd), never to list.
 */
import { lstat, readlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../util/index.js';
import type { RootFs } from './context/scoped.js';

function isWhiteout(stats: Stats): boolean {
  return stats.isCharacterDevice() && stats.rdev === 0;
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

/** `dirs` are unpacked layers, top first (overlayfs lowerdir order). */
export function layeredFs(dirs: readonly string[]): RootFs {
  return {
    async lstat(rel) {
      const parts = rel.split('/').filter((p) => p !== '');
      let candidates = dirs.map((_, i) => i);
      let found: { stats: Stats; abs: string } | undefined;
      if (parts.length === 0) {
        const top = dirs[0];
        return top === undefined ? undefined : { stats: await lstat(top), abs: top };
      }
      for (let depth = 0; depth < parts.length; depth++) {
        const sub = parts.slice(0, depth + 1).join('/');
        const next: number[] = [];
        found = undefined;
        for (const i of candidates) {
          const abs = join(dirs[i]!, sub);
          const stats = await lstatOrUndefined(abs);
          if (stats === undefined) continue;
          if (found === undefined) {
            if (isWhiteout(stats)) return undefined;
            found = { stats, abs };
            if (!stats.isDirectory()) break;
            next.push(i);
          } else {
            if (!stats.isDirectory()) break; // a file or whiteout below ends the merge
            next.push(i);
          }
        }
        if (found === undefined) return undefined;
        if (depth < parts.length - 1 && !found.stats.isDirectory()) return undefined;
        candidates = next;
      }
      return found;
    },
    readlink: (abs) => readlink(abs),
  };
}
