/**
 * The content store: an OCI image layout (oci-layout, index.json, blobs/sha256/<hex>) holding
 * every manifest, config and layer by digest. Writes stream into ingest/ and are renamed into
 * blobs/ only once complete and verified, so no half-written blob is ever visible; reads
 * verify the digest again, so a blob corrupted on disk is reported by name.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { atomicWriteFile, isErrno, pathExists, tempSibling } from '../util/index.js';
import type { Descriptor, ImageIndex } from './oci.js';
import { MediaType } from './oci.js';

export class DigestMismatchError extends Error {
  readonly code = 'DIGEST_MISMATCH';
  constructor(readonly expected: string, readonly actual: string, where: string) {
    super(`digest mismatch for blob ${expected} (${where}): content hashes to ${actual}`);
    this.name = 'DigestMismatchError';
  }
}

export class BlobNotFoundError extends Error {
  readonly code = 'BLOB_NOT_FOUND';
  constructor(readonly digest: string) {
    super(`blob ${digest} not found in the content store`);
    this.name = 'BlobNotFoundError';
  }
}

const digestRe = /^sha256:([a-f0-9]{64})$/;

export function parseDigest(digest: string): string {
  const m = digestRe.exec(digest);
  if (!m) throw new Error(`unsupported or malformed digest "${digest}" (want sha256:<64 hex>)`);
  return m[1]!;
}

export function sha256Digest(data: Buffer | string): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export interface WrittenBlob {
  digest: string;
  size: number;
}

/** A pass-through stream that hashes and counts what flows through it. */
export class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

export class ContentStore {
  readonly blobsDir: string;
  private readonly ingestDir: string;
  private prepared = false;

  constructor(readonly dir: string) {
    this.blobsDir = join(dir, 'blobs', 'sha256');
    this.ingestDir = join(dir, 'ingest');
  }

  /** Creates the layout files once; cheap to call again. */
  async init(): Promise<void> {
    if (this.prepared) return;
    await mkdir(this.blobsDir, { recursive: true });
    await mkdir(this.ingestDir, { recursive: true });
    const layoutFile = join(this.dir, 'oci-layout');
    if (!(await pathExists(layoutFile))) await atomicWriteFile(layoutFile, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    const indexFile = join(this.dir, 'index.json');
    if (!(await pathExists(indexFile))) await atomicWriteFile(indexFile, JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] }));
    this.prepared = true;
  }

  blobPath(digest: string): string {
    return join(this.blobsDir, parseDigest(digest));
  }

  async has(digest: string): Promise<boolean> {
    return pathExists(this.blobPath(digest));
  }

  /** The stored size, or undefined when the blob is absent. */
  async size(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.blobPath(digest))).size;
    } catch (err: unknown) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  /** Stores a small blob held in memory (manifests, configs). */
  async put(data: Buffer | string, expected?: string): Promise<WrittenBlob> {
    await this.init();
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    const digest = sha256Digest(bytes);
    if (expected !== undefined && expected !== digest) throw new DigestMismatchError(expected, digest, 'on write');
    const path = this.blobPath(digest);
    if (await pathExists(path)) {
      // Written again: refresh its age so garbage collection's grace period covers the new user.
      const t = new Date();
      await utimes(path, t, t);
    } else {
      const tmp = tempSibling(join(this.ingestDir, 'x'));
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    }
    return { digest, size: bytes.length };
  }

  /** Streams a blob in; with `expected` set, a different digest or size is refused and nothing is stored. */
  async ingest(
    source: NodeJS.ReadableStream | AsyncIterable<Buffer>,
    expected?: { digest?: string; size?: number },
    transforms: readonly NodeJS.ReadWriteStream[] = [],
  ): Promise<WrittenBlob> {
    await this.init();
    const tmp = tempSibling(join(this.ingestDir, 'x'));
    const hasher = new HashingStream();
    try {
      // `transforms` (e.g. a diffID hasher and gzip) run before the stored bytes are hashed.
      const stages = [source, ...transforms, hasher, createWriteStream(tmp)] as unknown as readonly NodeJS.ReadWriteStream[];
      await pipeline(stages);
      const digest = hasher.digest();
      if (expected?.digest !== undefined && expected.digest !== digest) throw new DigestMismatchError(expected.digest, digest, 'on write');
      if (expected?.size !== undefined && expected.size !== hasher.bytes) {
        throw new Error(`size mismatch for blob ${digest}: expected ${expected.size} bytes, got ${hasher.bytes}`);
      }
      await rename(tmp, this.blobPath(digest));
      return { digest, size: hasher.bytes };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /** Reads a whole blob and checks its digest. */
  async get(digest: string): Promise<Buffer> {
    let data: Buffer;
    try {
      data = await readFile(this.blobPath(digest));
    } catch (err: unknown) {
      if (isErrno(err, 'ENOENT')) throw new BlobNotFoundError(digest);
      throw err;
    }
    const actual = sha256Digest(data);
    if (actual !== digest) throw new DigestMismatchError(digest, actual, `on read of ${this.blobPath(digest)}`);
    return data;
  }

  async getJson<T>(digest: string): Promise<T> {
    const data = await this.get(digest);
    try {
      return JSON.parse(data.toString('utf8')) as T;
    } catch (err: unknown) {
      throw new Error(`blob ${digest} is not valid JSON`, { cause: err });
    }
  }

  /**
   * Streams a blob's bytes, hashing as they pass; the stream fails at its end with a
   * DigestMismatchError when the content is not what its name says. Consumers must treat
   * everything they made from the bytes as invalid in that case (unpack into a temp dir).
   */
  async *read(digest: string): AsyncGenerator<Buffer> {
    const hash = createHash('sha256');
    const path = this.blobPath(digest);
    try {
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
        hash.update(chunk as Buffer);
        yield chunk as Buffer;
      }
    } catch (err: unknown) {
      if (isErrno(err, 'ENOENT')) throw new BlobNotFoundError(digest);
      throw err;
    }
    const actual = `sha256:${hash.digest('hex')}`;
    if (actual !== digest) throw new DigestMismatchError(digest, actual, `on read of ${path}`);
  }

  async delete(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(this.blobsDir)).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
    } catch (err: unknown) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
  }

  /** Rewrites index.json so the layout lists exactly these manifests (OCI tools read it). */
  async writeIndex(manifests: Descriptor[]): Promise<void> {
    await this.init();
    const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests };
    await atomicWriteFile(join(this.dir, 'index.json'), JSON.stringify(index));
  }
}
