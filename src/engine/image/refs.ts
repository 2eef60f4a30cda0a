/**
 * images/references.json: normalised name -> manifest digest. Writers take images/.lock and
 * replace the file atomically; readers read it without the lock (they see a whole file).
 */
import { join } from 'node:path';
import { atomicWriteFile, readJsonFile, withFileLock } from '../util/index.js';

export interface ReferenceEntry {
  /** Digest of the image manifest the name points at. */
  digest: string;
  /** When the name was pointed here (ISO time). */
  updated: string;
}

interface ReferencesFile {
  version: 1;
  references: Record<string, ReferenceEntry>;
}

export class ReferenceTable {
  private readonly file: string;
  private readonly lockFile: string;

  constructor(readonly dir: string) {
    this.file = join(dir, 'references.json');
    this.lockFile = join(dir, '.lock');
  }

  async read(): Promise<Record<string, ReferenceEntry>> {
    const data = await readJsonFile<ReferencesFile>(this.file);
    return data?.references ?? {};
  }

  /**
   * Read-modify-write under the lock. `change` edits the table in place and may return a
   * value; the file is rewritten only if the table changed.
   */
  async update<T>(change: (refs: Record<string, ReferenceEntry>) => Promise<T> | T): Promise<T> {
    return withFileLock(this.lockFile, async () => {
      const refs = await this.read();
      const before = JSON.stringify(refs);
      const result = await change(refs);
      const after = JSON.stringify(refs);
      if (after !== before) {
        const sorted = Object.fromEntries(Object.entries(refs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        await atomicWriteFile(this.file, JSON.stringify({ version: 1, references: sorted } satisfies ReferencesFile, null, 1));
      }
      return result;
    });
  }

  /** Runs `fn` under the same lock without changing the table (garbage collection). */
  async locked<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(this.lockFile, fn);
  }
}
