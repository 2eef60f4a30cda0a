/**
 * Where blobs came from or went to: `<engine root>/registry/blob-sources.json` maps a digest
 * to the repositories (`registry/path`) known to hold it. Push uses it to mount a blob from
 * a sibling repository of the same registry instead of uploading it again, as Docker does
 * with its distribution metadata.
 */
import { join } from 'node:path';
import { atomicWriteFile, readJsonFile, withFileLock } from '../util/index.js';

interface SourcesFile {
  version: 1;
  blobs: Record<string, string[]>;
}

/** At most this many repositories are remembered per blob (newest kept). */
const MAX_PER_BLOB = 8;

export class BlobSources {
  private readonly file: string;
  private readonly lock: string;

  constructor(engineRoot: string) {
    this.file = join(engineRoot, 'registry', 'blob-sources.json');
    this.lock = join(engineRoot, 'registry', '.lock');
  }

  async read(): Promise<Record<string, string[]>> {
    return (await readJsonFile<SourcesFile>(this.file))?.blobs ?? {};
  }

  /** Repositories (`registry/path`) on `registry` other than `exceptPath` known to hold the blob. */
  async candidates(digest: string, registry: string, exceptPath: string): Promise<string[]> {
    const repos = (await this.read())[digest] ?? [];
    return repos
      .filter((r) => r.startsWith(`${registry}/`) && r !== `${registry}/${exceptPath}`)
      .map((r) => r.slice(registry.length + 1))
      .reverse();
  }

  /** Remembers that `registry/path` holds these blobs. */
  async record(registry: string, path: string, digests: readonly string[]): Promise<void> {
    if (digests.length === 0) return;
    const repo = `${registry}/${path}`;
    await withFileLock(this.lock, async () => {
      const blobs = await this.read();
      for (const digest of digests) {
        const list = (blobs[digest] ?? []).filter((r) => r !== repo);
        list.push(repo);
        blobs[digest] = list.slice(-MAX_PER_BLOB);
      }
      await atomicWriteFile(this.file, JSON.stringify({ version: 1, blobs } satisfies SourcesFile));
    });
  }
}
