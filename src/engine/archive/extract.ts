/**
 * Unpacks an image archive into a scratch folder as a flat set of files, remembering the
 * archive path of each and its symlinks (old docker archives link shared layers), so the
 * loader can open any member by archive path without ever writing outside the folder.
 */
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { readTar } from '../util/index.js';

export class ArchiveMembers {
  private readonly files = new Map<string, string>();
  private readonly links = new Map<string, string>();
  constructor(private readonly scratch: string) {}

  static normalise(path: string): string {
    return posix.normalize(`/${path}`).slice(1).replace(/\/$/, '');
  }

  async extract(source: AsyncIterable<Buffer>): Promise<void> {
    let counter = 0;
    for await (const entry of readTar(source)) {
      const name = ArchiveMembers.normalise(entry.path);
      if (entry.type === 'file') {
        const file = join(this.scratch, String(counter++));
        await pipeline(entry.body(), createWriteStream(file));
        this.files.set(name, file);
      } else if (entry.type === 'symlink' && entry.linkName !== undefined) {
        this.links.set(name, ArchiveMembers.normalise(posix.join(posix.dirname(name), entry.linkName)));
      } else if (entry.type === 'hardlink' && entry.linkName !== undefined) {
        this.links.set(name, ArchiveMembers.normalise(entry.linkName));
      }
    }
  }

  /** The scratch file holding an archive member (symlinks followed), or undefined. */
  path(member: string): string | undefined {
    let name = ArchiveMembers.normalise(member);
    for (let hops = 0; hops < 16; hops++) {
      const file = this.files.get(name);
      if (file !== undefined) return file;
      const target = this.links.get(name);
      if (target === undefined) return undefined;
      name = target;
    }
    return undefined;
  }

  has(member: string): boolean {
    return this.path(member) !== undefined;
  }

  require(member: string): string {
    const file = this.path(member);
    if (file === undefined) throw new Error(`archive has no member "${member}"`);
    return file;
  }

  async readJson<T>(member: string): Promise<T> {
    const file = this.require(member);
    try {
      return JSON.parse(await readFile(file, 'utf8')) as T;
    } catch (err: unknown) {
      throw new Error(`archive member "${member}" is not valid JSON`, { cause: err });
    }
  }
}
