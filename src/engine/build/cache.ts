/**
 * The build cache: content-derived keys -> what the step produced (its layer, if any, and the
 * time it was first made, so a fully cached rebuild reproduces the same config and image ID).
 *
 * key(step) = sha256(parent key, the instruction after expansion, the ENV/ARG values it sees,
 * and for COPY/ADD the digests, modes and paths of the files copied). One small JSON file per
 * key under <root>/build-cache/keys/, written atomically, so concurrent builds never see a
 * half-written record. A record whose layer blob was garbage-collected counts as a miss.
 */
import { createHash } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContentStore, Descriptor } from '../content/index.js';
import { atomicWriteFile, isErrno, readJsonFile } from '../util/index.js';

export interface LayerRecord {
  readonly descriptor: Descriptor;
  readonly diffId: string;
}

export interface CacheRecord {
  readonly created: string;
  readonly layer?: LayerRecord;
}

/** A key from its parent and the step's parts (any JSON-serialisable values). */
export function cacheKey(parent: string, parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify([parent, ...parts])).digest('hex');
}

export class BuildCache {
  private readonly dir: string;

  constructor(
    engineRoot: string,
    private readonly content: ContentStore,
    /** `--no-cache`: nothing is looked up (results are still recorded for later builds). */
    private readonly lookups: boolean,
  ) {
    this.dir = join(engineRoot, 'build-cache', 'keys');
  }

  async get(key: string): Promise<CacheRecord | undefined> {
    if (!this.lookups) return undefined;
    const record = await readJsonFile<CacheRecord>(join(this.dir, `${key}.json`)).catch(() => undefined);
    if (!record || typeof record.created !== 'string') return undefined;
    if (record.layer && !(await this.content.has(record.layer.descriptor.digest))) return undefined;
    return record;
  }

  async put(key: string, record: CacheRecord): Promise<void> {
    await atomicWriteFile(join(this.dir, `${key}.json`), JSON.stringify(record));
  }
}

/**
 * Drops cache records whose layer blob is gone (collected with the images that used it) and,
 * with `all`, every record; returns how many were removed. For `system prune`-like commands.
 */
export async function pruneBuildCache(engineRoot: string, content: ContentStore, options: { all?: boolean } = {}): Promise<number> {
  const dir = join(engineRoot, 'build-cache', 'keys');
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT')) return 0;
    throw err;
  }
  let removed = 0;
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const record = await readJsonFile<CacheRecord>(join(dir, name)).catch(() => undefined);
    const stale = options.all || !record || (record.layer !== undefined && !(await content.has(record.layer.descriptor.digest)));
    if (stale) {
      await rm(join(dir, name), { force: true });
      removed++;
    }
  }
  return removed;
}
