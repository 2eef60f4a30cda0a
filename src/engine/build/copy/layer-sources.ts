/**
 * COPY --from sources found straight in the other stage's layers, without mounting them: a
 * file or symlink is wherever the top layer having it says (whiteouts honoured); a folder is
 * read from its layer when no lower layer has that folder too (so there is nothing to merge,
 * and overlayfs' opaque markers cannot matter). Anything else (wildcards, folders spread over
 * several layers) returns undefined and the caller uses a mounted view.
 */
import { posix } from 'node:path';
import { lstat } from 'node:fs/promises';
import { cleanRelative, hasGlob } from '../context/glob.js';
import { resolveScoped } from '../context/scoped.js';
import { walkTree } from '../context/tree.js';
import { layeredFs } from '../layered.js';
import { SourceNotFoundError, kindOf, type CollectedSource } from './plan.js';

async function existsIn(dir: string, rel: string): Promise<boolean> {
  try {
    await lstat(posix.join(dir, rel));
    return true;
  } catch {
    return false; // missing (or not reachable) in this layer
  }
}

/** `dirs`: the stage's unpacked layers, top first. */
export async function collectFromLayers(dirs: readonly string[], patterns: readonly string[]): Promise<CollectedSource[] | undefined> {
  if (patterns.some((p) => hasGlob(p))) return undefined;
  const fs = layeredFs(dirs);
  const out: CollectedSource[] = [];
  for (const pattern of patterns) {
    const cleaned = cleanRelative(pattern);
    const found = await resolveScoped(fs, cleaned, { followFinal: true });
    if (!found.stats) throw new SourceNotFoundError(cleaned);
    const type = kindOf(found.stats);
    if (type === undefined) continue;
    const match = { rel: found.rel, abs: found.abs, stats: found.stats };
    if (type !== 'directory') {
      out.push({ match, type, children: [] });
      continue;
    }
    if (found.rel === '') return undefined; // the whole root always spans every layer
    const layer = dirs.find((d) => found.abs === posix.join(d, found.rel));
    if (layer === undefined) return undefined;
    const below = dirs.slice(dirs.indexOf(layer) + 1);
    for (const d of below) if (await existsIn(d, found.rel)) return undefined;
    const children: CollectedSource['children'][number][] = [];
    for (const e of await walkTree(layer, found.rel)) {
      const t = kindOf(e.stats);
      if (t !== undefined) children.push({ rel: e.rel, abs: e.abs, stats: e.stats, type: t });
    }
    out.push({ match, type, children });
  }
  return out;
}
