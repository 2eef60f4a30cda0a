/**
 * Content digests of context files, remembered across builds by (path, size, mtime, inode,
 * ctime) so a rebuild reads only files that changed. The digest covers content only; the
 * cache key adds path and mode. A stale record cannot survive a content change without the
 * inode's ctime changing too.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { atomicWriteFile, readJsonFile } from '../../util/index.js';

/** Files up to this size are read whole rather than streamed. */
const SMALL_FILE = 256 << 10;

interface HashRecord { readonly stamp: string; readonly digest: string }

function stampOf(stats: Stats): string {
  return `${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}:${stats.ino}:${stats.dev}`;
}

export class FileHasher {
  private records = new Map<string, HashRecord>();
  private dirty = false;
  private readonly inFlight = new Map<string, Promise<string>>();

  /** `file` keeps the records between builds; undefined keeps them in memory only. */
  constructor(private readonly file?: string) {}

  async load(): Promise<void> {
    if (this.file === undefined) return;
    const saved = await readJsonFile<Record<string, HashRecord>>(this.file).catch(() => undefined);
    if (saved) this.records = new Map(Object.entries(saved));
  }

  async save(): Promise<void> {
    if (this.file === undefined || !this.dirty) return;
    await atomicWriteFile(this.file, JSON.stringify(Object.fromEntries(this.records)));
    this.dirty = false;
  }

  /** `sha256:<hex>` of a regular file's content. */
  async digest(abs: string, stats: Stats): Promise<string> {
    const stamp = stampOf(stats);
    const known = this.records.get(abs);
    if (known && known.stamp === stamp) return known.digest;
    const running = this.inFlight.get(abs);
    if (running) return running;
    const work = (async () => {
      const hash = createHash('sha256');
      // A small file is read in one blocking call: cheaper than a trip through the thread pool.
      if (stats.size <= SMALL_FILE) hash.update(readFileSync(abs));
      else for await (const chunk of createReadStream(abs)) hash.update(chunk as Buffer);
      const digest = `sha256:${hash.digest('hex')}`;
      this.records.set(abs, { stamp, digest });
      this.dirty = true;
      return digest;
    })();
    this.inFlight.set(abs, work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(abs);
    }
  }
}
