/**
 * Guarding layer unpacking against "tar slip": every entry must land inside the layer root.
 * Entry names with `..`, absolute names, names that pass through a symlink, and hardlinks
 * whose target does the same are refused with a LayerSecurityError naming the entry.
 */
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../util/index.js';

export class LayerSecurityError extends Error {
  readonly code = 'LAYER_ESCAPE';
  constructor(readonly entry: string, why: string) {
    super(`refusing layer entry "${entry}": ${why}`);
    this.name = 'LayerSecurityError';
  }
}

/** `./a//b/` -> ['a', 'b']; refuses absolute names and `..`. An empty list is the root. */
export function entryComponents(name: string): string[] {
  if (name.startsWith('/')) throw new LayerSecurityError(name, 'absolute path escapes the layer root');
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new LayerSecurityError(name, '".." escapes the layer root');
  if (parts.some((p) => p.includes('\0'))) throw new LayerSecurityError(name, 'NUL byte in path');
  return parts;
}

/**
 * Makes sure none of `parts`' parents (inside root) is a symlink, so writing the last
 * component cannot follow a link out of the root. Missing parents are fine (created later).
 */
export async function assertNoSymlinkParents(root: string, parts: readonly string[], entryName: string): Promise<void> {
  let current = root;
  for (const part of parts.slice(0, -1)) {
    current = join(current, part);
    try {
      const st = await lstat(current);
      if (st.isSymbolicLink()) throw new LayerSecurityError(entryName, `parent "${part}" is a symlink; following it could leave the layer root`);
      if (!st.isDirectory()) return; // will be replaced by a directory; nothing below it exists
    } catch (err: unknown) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
  }
}
