/**
 * COPY/ADD planning: which files a step copies and where each lands, by Docker's rules.
 *  - a source directory copies its contents, not itself;
 *  - wildcards (`*`, `?`, `[..]`, `**`) match paths in the source root; no match is an error;
 *  - a destination ending in `/`, several sources, or an existing directory means "into";
 *  - sources resolve inside their root (`..` stops there, symlinks are followed inside it),
 *    and a path .dockerignore excludes does not exist.
 */
import type { Stats } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import { cleanRelative, globToRegExp, hasGlob } from '../context/glob.js';
import type { IgnoreMatcher } from '../context/ignore.js';
import { resolveScoped } from '../context/scoped.js';
import { walkTree } from '../context/tree.js';

export interface SourceRoot {
  /** Host folder seen as `/` (the context, or another stage's merged files). */
  readonly root: string;
  readonly ignore?: IgnoreMatcher;
}

export interface CopyItem {
  /** Absolute path in the image (`/app/x`). */
  readonly dest: string;
  readonly type: 'file' | 'directory' | 'symlink';
  readonly stats: Stats;
  /** Host path to read (files) or to readlink (symlinks). */
  readonly abs: string;
}

export class SourceNotFoundError extends Error {
  constructor(readonly source: string) {
    super(`"/${source}": not found`);
    this.name = 'SourceNotFoundError';
  }
}

export class CopyRuleError extends Error {}

interface Match { rel: string; abs: string; stats: Stats }

export function kindOf(stats: Stats): CopyItem['type'] | undefined {
  if (stats.isDirectory()) return 'directory';
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isFile()) return 'file';
  return undefined; // devices, fifos and sockets are not copied
}

async function matchSource(source: SourceRoot, pattern: string): Promise<Match[]> {
  const cleaned = cleanRelative(pattern);
  if (!hasGlob(cleaned)) {
    const found = await resolveScoped(source.root, cleaned, { followFinal: true });
    if (!found.stats || (found.rel !== '' && source.ignore?.excludes(found.rel))) throw new SourceNotFoundError(cleaned);
    return [{ rel: found.rel, abs: found.abs, stats: found.stats }];
  }
  const segments = cleaned.split('/');
  const firstGlob = segments.findIndex((s) => hasGlob(s));
  const base = segments.slice(0, firstGlob).join('/');
  const baseDir = await resolveScoped(source.root, base, { followFinal: true });
  if (!baseDir.stats?.isDirectory()) throw new SourceNotFoundError(cleaned);
  const tail = segments.slice(firstGlob);
  const regexp = globToRegExp(tail.join('/'));
  const maxDepth = tail.includes('**') || tail.some((s) => s.includes('**')) ? undefined : tail.length;
  const entries = await walkTree(source.root, baseDir.rel, { ...(source.ignore ? { ignore: source.ignore } : {}), ...(maxDepth !== undefined ? { maxDepth } : {}) });
  const prefix = baseDir.rel === '' ? '' : `${baseDir.rel}/`;
  const matches = entries.filter((e) => regexp.test(e.rel.slice(prefix.length))).map((e) => ({ rel: e.rel, abs: e.abs, stats: e.stats }));
  // A matched directory brings its contents; drop matches inside another match.
  const kept = matches.filter((m) => !matches.some((o) => o !== m && o.stats.isDirectory() && m.rel.startsWith(`${o.rel}/`)));
  if (kept.length === 0) throw new SourceNotFoundError(cleaned);
  return kept;
}

/** One matched source: a file, symlink or folder (with everything under it, ignore rules applied). */
export interface CollectedSource {
  readonly match: Match;
  readonly type: CopyItem['type'];
  /** Entries under a folder source (paths relative to the source root). */
  readonly children: readonly { rel: string; abs: string; stats: Stats; type: CopyItem['type'] }[];
}

/** Finds every source (wildcards expanded) without looking at the image: the cache key is made from this. */
export async function collectSources(source: SourceRoot, patterns: readonly string[]): Promise<CollectedSource[]> {
  const out: CollectedSource[] = [];
  for (const pattern of patterns) {
    for (const match of await matchSource(source, pattern)) {
      const type = kindOf(match.stats);
      if (type === undefined) continue;
      const children: CollectedSource['children'][number][] = [];
      if (type === 'directory') {
        for (const e of await walkTree(source.root, match.rel, source.ignore ? { ignore: source.ignore } : {})) {
          const t = kindOf(e.stats);
          if (t !== undefined) children.push({ rel: e.rel, abs: e.abs, stats: e.stats, type: t });
        }
      }
      out.push({ match, type, children });
    }
  }
  return out;
}

/**
 * `COPY --exclude=PATTERN`: drops matches and folder entries whose path relative to the copied
 * folder (or, for a single match, its name) a pattern matches (.dockerignore rules).
 */
export function excludeSources(collected: readonly CollectedSource[], excludes: IgnoreMatcher): CollectedSource[] {
  if (excludes.isEmpty) return [...collected];
  const out: CollectedSource[] = [];
  for (const c of collected) {
    if (c.type !== 'directory') {
      if (!excludes.excludes(posix.basename(c.match.rel))) out.push(c);
      continue;
    }
    const prefix = c.match.rel === '' ? '' : `${c.match.rel}/`;
    out.push({ ...c, children: c.children.filter((e) => !excludes.excludes(e.rel.slice(prefix.length))) });
  }
  return out;
}

/**
 * What identifies the copied content for the cache: each file's path (relative to its
 * source), kind, mode and content digest (not mtime or owner: COPY sets the owner).
 */
export async function fingerprintSources(collected: readonly CollectedSource[], digest: (abs: string, stats: Stats) => Promise<string>): Promise<string[]> {
  const describe = async (rel: string, type: CopyItem['type'], abs: string, stats: Stats): Promise<string> => {
    const what = type === 'file' ? await digest(abs, stats) : type === 'symlink' ? `-> ${await readlink(abs)}` : 'dir';
    return `${rel}\0${type}\0${(stats.mode & 0o7777).toString(8)}\0${what}`;
  };
  const out: string[] = [];
  for (const c of collected) {
    out.push(await describe(posix.basename(c.match.rel), c.type, c.match.abs, c.match.stats));
    const prefix = c.match.rel === '' ? '' : `${c.match.rel}/`;
    // A bounded number of files at a time: a large context must not run out of descriptors.
    for (let i = 0; i < c.children.length; i += HASH_BATCH) {
      const batch = c.children.slice(i, i + HASH_BATCH);
      out.push(...(await Promise.all(batch.map((e) => describe(e.rel.slice(prefix.length), e.type, e.abs, e.stats)))));
    }
  }
  return out;
}

const HASH_BATCH = 32;

export interface PlaceInput {
  readonly collected: readonly CollectedSource[];
  /** How many source arguments the instruction had (several need a `/` destination). */
  readonly sourceCount: number;
  /** Absolute destination in the image (WORKDIR applied), trailing `/` kept. */
  readonly dest: string;
  /** Whether a path is an existing directory in the image (following links inside it). */
  readonly isDirectoryInImage: (path: string) => Promise<boolean>;
}

export function destinationIsDirectory(dest: string): boolean {
  return dest.endsWith('/') || dest.endsWith('/.') || dest === '.';
}

/** The items to copy, each with its final path in the image, sorted by path. */
export async function placeItems(input: PlaceInput): Promise<CopyItem[]> {
  const endsWithSlash = destinationIsDirectory(input.dest);
  if (input.sourceCount > 1 && !endsWithSlash) {
    throw new CopyRuleError('When using COPY with more than one source file, the destination must be a directory and end with a /');
  }
  const dest = posix.resolve('/', input.dest);
  const into = endsWithSlash || input.collected.length > 1 || (await input.isDirectoryInImage(dest));
  const items: CopyItem[] = [];
  for (const { match: m, type, children } of input.collected) {
    if (type === 'directory') {
      // An existing destination directory keeps its own owner and mode.
      if (dest !== '/' && !(await input.isDirectoryInImage(dest))) items.push({ dest, type, stats: m.stats, abs: m.abs });
      const prefix = m.rel === '' ? '' : `${m.rel}/`;
      for (const e of children) items.push({ dest: posix.join(dest, e.rel.slice(prefix.length)), type: e.type, stats: e.stats, abs: e.abs });
    } else {
      const target = into ? posix.join(dest, posix.basename(m.rel)) : dest;
      items.push({ dest: target, type, stats: m.stats, abs: m.abs });
    }
  }
  // Later sources win for the same path, as a later write would.
  const byPath = new Map<string, CopyItem>();
  for (const item of items) byPath.set(item.dest, item);
  return [...byPath.values()].sort((a, b) => (a.dest < b.dest ? -1 : a.dest > b.dest ? 1 : 0));
}
