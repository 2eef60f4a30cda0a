/** Walking a folder in sorted order, skipping what .dockerignore excludes. */
import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { IgnoreMatcher } from './ignore.js';

export interface TreeEntry {
  /** Path relative to the root given to walkTree (not to `start`), "/"-separated. */
  readonly rel: string;
  readonly abs: string;
  readonly stats: Stats;
}

export interface WalkOptions {
  /** Applied to paths relative to `root` (the context root). */
  readonly ignore?: IgnoreMatcher;
  /** Stop descending below this many segments (relative to `start`). */
  readonly maxDepth?: number;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Everything under `root/start` (not `start` itself), parents before children.
 * The calls are synchronous on purpose: a context has many small entries, and one blocking
 * syscall each is far cheaper than a round trip through the thread pool each. An excluded
 * directory is skipped whole unless the ignore file has `!` exceptions; then it is walked and
 * kept only when something inside it is kept.
 */
export async function walkTree(root: string, start: string, options: WalkOptions = {}): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const ignore = options.ignore;
  const visit = async (rel: string, depth: number): Promise<boolean> => {
    const dir = join(root, rel);
    let keptAny = false;
    for (const name of readdirSync(dir).sort(byName)) {
      const childRel = rel === '' ? name : `${rel}/${name}`;
      const abs = join(dir, name);
      const stats = lstatSync(abs);
      const excluded = ignore?.excludes(childRel) ?? false;
      if (stats.isDirectory()) {
        if (excluded && !ignore?.hasExceptions) continue;
        const at = out.length;
        if (!excluded) out.push({ rel: childRel, abs, stats });
        const childKept = options.maxDepth === undefined || depth + 1 < options.maxDepth ? await visit(childRel, depth + 1) : false;
        if (excluded && childKept) out.splice(at, 0, { rel: childRel, abs, stats });
        if (!excluded || childKept) keptAny = true;
      } else if (!excluded) {
        out.push({ rel: childRel, abs, stats });
        keptAny = true;
      }
    }
    return keptAny;
  };
  await visit(start, 0);
  return out;
}
