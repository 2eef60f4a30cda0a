/**
 * Resolving a path inside a root as if the root were `/`: `..` stops at the root and
 * symlinks (absolute or relative) are followed inside the root, never out of it. This is how
 * COPY sources are found in the build context and in another stage's files, and how COPY
 * finds its destination and USER its passwd entry in the image, so nothing outside is read.
 *
 * A root is a plain folder, or any RootFs (e.g. an image's layers seen merged, layered.ts).
 */
import { lstat, readlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../../util/index.js';

const MAX_LINKS = 40;

/** What path resolution needs from a root: lstat and readlink by root-relative path. */
export interface RootFs {
  /** The entry at `rel` ('' is the root) and the host path holding it; undefined if missing. */
  lstat(rel: string): Promise<{ stats: Stats; abs: string } | undefined>;
  readlink(abs: string): Promise<string>;
}

export interface ScopedPath {
  /** The resolved path relative to the root ('' is the root itself), no leading slash. */
  readonly rel: string;
  /** The host path of the entry (for a plain folder: join(root, rel), even when missing). */
  readonly abs: string;
  /** lstat of the final component (after following links when asked); undefined if missing. */
  readonly stats: Stats | undefined;
}

export class ScopeError extends Error {}

function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

/** A plain folder as a RootFs. */
export function folderFs(root: string): RootFs {
  return {
    async lstat(rel) {
      const abs = join(root, rel);
      try {
        return { stats: await lstat(abs), abs };
      } catch (err: unknown) {
        if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
        throw err;
      }
    },
    readlink: (abs) => readlink(abs),
  };
}

/**
 * Resolves `path` (absolute or relative to the root) under `root`. Symlinks in parent
 * components are always followed (scoped); the last one only with `followFinal`.
 */
export async function resolveScoped(root: string | RootFs, path: string, options: { followFinal: boolean }): Promise<ScopedPath> {
  const fs = typeof root === 'string' ? folderFs(root) : root;
  const hostPath = (rel: string): string => (typeof root === 'string' ? join(root, rel) : '');
  const resolved: string[] = [];
  let pending = split(path);
  let links = 0;
  let found: { stats: Stats; abs: string } | undefined = await fs.lstat('');
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      resolved.pop();
      found = await fs.lstat(resolved.join('/'));
      continue;
    }
    const isLast = pending.length === 0;
    found = await fs.lstat([...resolved, part].join('/'));
    if (found === undefined) {
      // Missing: the rest cannot contain links; clean it lexically, still clamped at the root.
      resolved.push(part);
      for (const rest of pending) {
        if (rest === '..') resolved.pop(); else resolved.push(rest);
      }
      const rel = resolved.join('/');
      const last = await fs.lstat(rel);
      return { rel, abs: last?.abs ?? hostPath(rel), stats: last?.stats };
    }
    if (found.stats.isSymbolicLink() && (!isLast || options.followFinal)) {
      if (++links > MAX_LINKS) throw new ScopeError(`too many levels of symbolic links resolving "${path}"`);
      const target = await fs.readlink(found.abs);
      if (target.startsWith('/')) resolved.length = 0;
      pending = [...split(target), ...pending];
      continue;
    }
    resolved.push(part);
  }
  const rel = resolved.join('/');
  return { rel, abs: found?.abs ?? hostPath(rel), stats: found?.stats };
}
