/**
 * Resolving a path inside a root folder as if the root were `/`: `..` stops at the root and
 * symlinks (absolute or relative) are followed inside the root, never out of it. This is how
 * COPY sources are found in the build context and in another stage's files, and how COPY and
 * WORKDIR find their destination in the image, so nothing outside is read or written.
 */
import { lstat, readlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../../util/index.js';

const MAX_LINKS = 40;

export interface ScopedPath {
  /** The resolved path relative to the root ('' is the root itself), no leading slash. */
  readonly rel: string;
  /** The host path: join(root, rel). */
  readonly abs: string;
  /** lstat of the final component (after following links when asked); undefined if missing. */
  readonly stats: Stats | undefined;
}

export class ScopeError extends Error {}

function split(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

/**
 * Resolves `path` (absolute or relative to the root) under `root`. Symlinks in parent
 * components are always followed (scoped); the last one only with `followFinal`.
 */
export async function resolveScoped(root: string, path: string, options: { followFinal: boolean }): Promise<ScopedPath> {
  const resolved: string[] = [];
  let pending = split(path);
  let links = 0;
  let stats: Stats | undefined;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') { resolved.pop(); stats = undefined; continue; }
    const candidate = join(root, ...resolved, part);
    const isLast = pending.length === 0;
    stats = await lstatOrUndefined(candidate);
    if (stats === undefined) {
      // Missing: the rest cannot contain links; clean it lexically, still clamped at the root.
      resolved.push(part);
      for (const rest of pending) {
        if (rest === '..') resolved.pop(); else resolved.push(rest);
      }
      const rel = resolved.join('/');
      return { rel, abs: join(root, rel), stats: await lstatOrUndefined(join(root, rel)) };
    }
    if (stats.isSymbolicLink() && (!isLast || options.followFinal)) {
      if (++links > MAX_LINKS) throw new ScopeError(`too many levels of symbolic links resolving "${path}"`);
      const target = await readlink(candidate);
      if (target.startsWith('/')) resolved.length = 0;
      pending = [...split(target), ...pending];
      stats = undefined;
      continue;
    }
    resolved.push(part);
  }
  const rel = resolved.join('/');
  return { rel, abs: join(root, rel), stats: stats ?? (await lstatOrUndefined(join(root, rel))) };
}
