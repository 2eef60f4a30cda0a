/**
 * `import`: a root filesystem tarball (plain or gzip) becomes a one-layer image, as
 * `docker import` does. The tar is stored as given (re-compressed), so its diffID is the
 * hash of exactly the bytes supplied.
 */
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { hostPlatform, storeLayer, type ImageConfig } from '../content/index.js';
import type { ImageRuntimeConfig } from '../types.js';
import type { ImageInfo } from './model.js';
import type { ImageStore } from './store.js';

export interface ImportOptions {
  /** Names for the new image; none leaves it dangling (`<none>`), as docker import does. */
  names?: string[];
  /** Shown in history's CREATED BY ("import FILE"). */
  source?: string;
  comment?: string;
  config?: ImageRuntimeConfig;
  /** Creation time (ISO); defaults to now. */
  created?: string;
}

/** Yields the bytes, gunzipped if they start with the gzip magic. */
async function* plainTar(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) throw new Error('import: the archive is empty');
  const head = Buffer.from(first.value);
  const all = (async function* () { yield head; for (let n = await it.next(); !n.done; n = await it.next()) yield Buffer.from(n.value); })();
  if (head[0] === 0x1f && head[1] === 0x8b) yield* Readable.from(all).pipe(createGunzip()) as AsyncIterable<Buffer>;
  else yield* all;
}

export async function importRootfs(store: ImageStore, tar: AsyncIterable<Buffer>, options: ImportOptions = {}): Promise<ImageInfo> {
  const layer = await storeLayer(store.content, Readable.from(plainTar(tar)));
  const created = options.created ?? new Date().toISOString();
  const config: ImageConfig = {
    created,
    ...hostPlatform(),
    config: options.config ?? {},
    rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    history: [{ created, created_by: options.source ?? 'import', comment: options.comment ?? 'Imported from -' }],
  };
  return store.createImage({ config, layers: [layer.descriptor], names: options.names ?? [] });
}
