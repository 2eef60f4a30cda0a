/** Writing a COPY/ADD layer on a cache miss: this is where the image's own files are looked at. */
import { posix } from 'node:path';
import { storeLayer } from '../content/index.js';
import { tarStream, type TarWriter } from '../util/index.js';
import { detectArchive, writeArchiveLayer } from './copy/archive.js';
import { placeItems, type CollectedSource } from './copy/plan.js';
import { writeCopyLayer } from './copy/write.js';
import { resolveScoped, type RootFs } from './context/scoped.js';
import { layeredFs } from './layered.js';
import type { CopyInstruction, PreparedCopy } from './copy-prepare.js';
import type { LayerRef } from './layers.js';
import type { BuildSession } from './session.js';
import type { StageState } from './state.js';
import { resolveChown } from './users.js';

/**
 * The layer tar, started only when the content store begins to read it: an error in the
 * producer then rejects the store's pipeline instead of being emitted before anyone listens.
 */
function lazyTar(produce: (writer: TarWriter) => Promise<void>): AsyncIterable<Buffer> {
  return {
    async *[Symbol.asyncIterator]() {
      // Tar headers come as 512-byte writes: gather them into larger chunks, since gzip and
      // hashing cost per chunk far more than per byte.
      let pending: Buffer[] = [];
      let size = 0;
      for await (const chunk of tarStream(produce) as AsyncIterable<Buffer>) {
        pending.push(chunk);
        size += chunk.length;
        if (size >= COALESCE_BYTES) {
          yield pending.length === 1 ? pending[0]! : Buffer.concat(pending, size);
          pending = [];
          size = 0;
        }
      }
      if (size > 0) yield Buffer.concat(pending, size);
    },
  };
}

const COALESCE_BYTES = 256 << 10;

export function parseChmod(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-7]{3,4}$/.test(text)) throw new Error(`invalid --chmod value "${text}": only octal modes (e.g. 0755) are supported`);
  return parseInt(text, 8);
}

/**
 * Where `path` really is in the image: symlinks in its folders are followed inside the image,
 * and the last component too when it leads to a folder (COPY into a linked folder), so the
 * layer never writes through a link.
 */
async function resolveInImage(image: RootFs, path: string): Promise<string> {
  const whole = await resolveScoped(image, path, { followFinal: true });
  if (whole.stats?.isDirectory()) return `/${whole.rel}`;
  const parent = await resolveScoped(image, posix.dirname(path), { followFinal: true });
  return posix.join(`/${parent.rel}`, posix.basename(path));
}

/** Writes the layer (only on a cache miss: this is where the image's files are looked at). */
export async function executeCopy(session: BuildSession, state: StageState, ins: CopyInstruction, prepared: PreparedCopy): Promise<LayerRef> {
  // The image is looked at path by path through its layers, without mounting them.
  const imageRoot = layeredFs(await session.layers.lowerDirs(state.layers));
  const wantsDir = prepared.dest.endsWith('/');
  const dest = (await resolveInImage(imageRoot, posix.resolve(prepared.dest))) + (wantsDir ? '/' : '');
  const isDirectoryInImage = async (path: string): Promise<boolean> => (await resolveScoped(imageRoot, path, { followFinal: true })).stats?.isDirectory() ?? false;
  const owner = ins.chown !== undefined ? await resolveChown(imageRoot, ins.chown) : { uid: 0, gid: 0 };
  const chmod = parseChmod(ins.chmod);

  const archives: { abs: string; compression: NonNullable<Awaited<ReturnType<typeof detectArchive>>> }[] = [];
  const collected = await prepared.collect();
  const plain: CollectedSource[] = ins.kind === 'add' ? [] : [...collected];
  if (ins.kind === 'add') {
    for (const c of collected) {
      const compression = c.type === 'file' ? await detectArchive(c.match.abs) : undefined;
      if (compression !== undefined) archives.push({ abs: c.match.abs, compression });
      else plain.push(c);
    }
  }
  const items = plain.length > 0
    ? await placeItems({ collected: plain, sourceCount: prepared.sources.length, dest, isDirectoryInImage })
    : [];
  const heredocs = prepared.heredocs.map((h) => ({ ...h, dest: h.dest.startsWith(posix.resolve(prepared.dest)) ? posix.join(posix.resolve(dest), posix.relative(posix.resolve(prepared.dest), h.dest)) : h.dest }));
  const stored = await storeLayer(session.store.content, lazyTar(async (writer) => {
    await writeCopyLayer(writer, items, heredocs, { owner, ...(chmod !== undefined ? { chmod } : {}), image: imageRoot });
    for (const archive of archives) await writeArchiveLayer(writer, archive.abs, archive.compression, posix.resolve(dest), imageRoot, ins.chown !== undefined ? owner : undefined);
  }));
  return { descriptor: stored.descriptor, diffId: stored.diffId };
}
