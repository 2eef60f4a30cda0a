/**
 * Snapshots: each image layer unpacked once into snapshots/<chainid-hex>/fs, where the chain
 * ID names the layer together with everything below it (OCI image spec). Unpacking happens in
 * a temp folder that is renamed into place only when complete, so a snapshot folder that
 * exists is always whole; two processes unpacking the same layer both succeed.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno, maybeGunzip, pathExists, readTar, tempSibling } from '../util/index.js';
import { applyLayer, type ApplyStats } from './apply.js';

export { chainIds } from './chain.js';

function hexOf(chainId: string): string {
  const m = /^sha256:([a-f0-9]{64})$/.exec(chainId);
  if (!m) throw new Error(`malformed chain id "${chainId}"`);
  return m[1]!;
}

/** Passes bytes through while hashing them (for the diffID of the uncompressed tar). */
function hashed(source: AsyncIterable<Buffer>): { stream: AsyncGenerator<Buffer>; digest(): string } {
  const hash = createHash('sha256');
  const stream = (async function* () {
    for await (const chunk of source) {
      hash.update(chunk);
      yield chunk;
    }
  })();
  return { stream, digest: () => `sha256:${hash.digest('hex')}` };
}

/**
 * Each snapshot also gets a short link, snapshots/l/<12 hex> -> ../<hex>/fs, because
 * overlayfs takes its options in one page (4 KiB): 127 absolute layer paths do not fit, but
 * 127 `l/<12 hex>` paths relative to the snapshots folder do (mount with that as cwd).
 */
const LINK_DIR = 'l';
const SHORT = 12;

export class SnapshotStore {
  /** Unpacks under way in this process, so concurrent callers share one. */
  private readonly inflight = new Map<string, Promise<{ path: string; stats?: ApplyStats }>>();

  constructor(readonly dir: string) {}

  /** `l/<12 hex>`: the snapshot's folder relative to `dir`, for page-limited mount options. */
  shortPath(chainId: string): string {
    return `${LINK_DIR}/${hexOf(chainId).slice(0, SHORT)}`;
  }

  /** Creates the short link if missing (atomically: a temp link renamed into place). */
  private async ensureShortLink(chainId: string): Promise<void> {
    const link = join(this.dir, this.shortPath(chainId));
    const target = `../${hexOf(chainId)}/fs`;
    try {
      if ((await readlink(link)) === target) return;
    } catch (err: unknown) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
    await mkdir(join(this.dir, LINK_DIR), { recursive: true });
    const tmp = tempSibling(link);
    await symlink(target, tmp);
    await rename(tmp, link);
  }

  /** The unpacked layer folder (overlayfs lowerdir) of a chain ID. */
  fsPath(chainId: string): string {
    return join(this.dir, hexOf(chainId), 'fs');
  }

  async has(chainId: string): Promise<boolean> {
    return pathExists(this.fsPath(chainId));
  }

  /**
   * Unpacks a layer (tar bytes, gzip or plain) as `chainId` unless already there and
   * returns its folder. `lowerDirs` are the unpacked layers below it, top first. Any error
   * (bad digest at the stream's end, tar slip) leaves no snapshot behind.
   */
  async unpack(
    chainId: string,
    tar: AsyncIterable<Buffer>,
    lowerDirs: readonly string[] = [],
    expectedDiffId?: string,
  ): Promise<{ path: string; stats?: ApplyStats }> {
    const pending = this.inflight.get(chainId);
    if (pending) return pending.then(({ path }) => ({ path }));
    const work = this.unpackOnce(chainId, tar, lowerDirs, expectedDiffId);
    this.inflight.set(chainId, work);
    try {
      return await work;
    } finally {
      this.inflight.delete(chainId);
    }
  }

  private async unpackOnce(
    chainId: string,
    tar: AsyncIterable<Buffer>,
    lowerDirs: readonly string[],
    expectedDiffId: string | undefined,
  ): Promise<{ path: string; stats?: ApplyStats }> {
    const final = join(this.dir, hexOf(chainId));
    if (await pathExists(join(final, 'fs'))) {
      await this.ensureShortLink(chainId);
      return { path: join(final, 'fs') };
    }
    await mkdir(this.dir, { recursive: true });
    const tmp = tempSibling(final);
    try {
      await mkdir(join(tmp, 'fs'), { recursive: true, mode: 0o755 });
      const plain = hashed(maybeGunzip(tar));
      const stats = await applyLayer(join(tmp, 'fs'), readTar(plain.stream), { lowerDirs });
      for await (const rest of plain.stream) void rest; // the tar may end before its padding does
      const diffId = plain.digest();
      if (expectedDiffId !== undefined && diffId !== expectedDiffId) {
        throw new Error(`layer ${chainId}: uncompressed content hashes to ${diffId}, but the image config says ${expectedDiffId}`);
      }
      try {
        await rename(tmp, final);
      } catch (err: unknown) {
        // Another process finished the same layer first: theirs is as good as ours.
        if (!isErrno(err, 'ENOTEMPTY') && !isErrno(err, 'EEXIST')) throw err;
      }
      await this.ensureShortLink(chainId);
      return { path: join(final, 'fs'), stats };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /** Chain IDs of every complete snapshot. */
  async list(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
    } catch (err: unknown) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
  }

  async remove(chainId: string): Promise<void> {
    const final = join(this.dir, hexOf(chainId));
    await rm(join(this.dir, this.shortPath(chainId)), { force: true });
    // Rename first so a half-deleted snapshot is never mistaken for a whole one.
    const doomed = tempSibling(final);
    try {
      await rename(final, doomed);
    } catch (err: unknown) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    await rm(doomed, { recursive: true, force: true });
  }
}
