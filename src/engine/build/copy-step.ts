/**
 * COPY and ADD: where the files come from (the context, another stage, an image), the cache
 * key parts that identify them, and writing the step's layer.
 */
import { posix } from 'node:path';
import { storeLayer } from '../content/index.js';
import { tarStream, type TarWriter } from '../util/index.js';
import type { Heredoc, Instruction } from './dockerfile/index.js';
import { detectArchive, writeArchiveLayer } from './copy/archive.js';
import { collectSources, destinationIsDirectory, fingerprintSources, placeItems, type CollectedSource, type SourceRoot } from './copy/plan.js';
import { writeCopyLayer, type InlineItem } from './copy/write.js';
import { resolveScoped } from './context/scoped.js';
import type { LayerRef } from './layers.js';
import type { Expander } from './metadata.js';
import type { BuildSession } from './session.js';
import type { StageState } from './state.js';
import { resolveChown } from './users.js';

type CopyInstruction = Extract<Instruction, { kind: 'copy' | 'add' }>;

/**
 * The layer tar, started only when the content store begins to read it: an error in the
 * producer then rejects the store's pipeline instead of being emitted before anyone listens.
 */
function lazyTar(produce: (writer: TarWriter) => Promise<void>): AsyncIterable<Buffer> {
  return {
    async *[Symbol.asyncIterator]() {
      yield* tarStream(produce) as AsyncIterable<Buffer>;
    },
  };
}

/** Where a COPY reads: the context, or the merged files of a stage or image (made on demand). */
export interface CopySource {
  readonly description: string;
  /** Identifies the source's content for the cache without reading it (stage key, image ID). */
  readonly identity?: string;
  root(): Promise<SourceRoot>;
}

export interface PreparedCopy {
  readonly sources: readonly string[];
  readonly dest: string;
  readonly heredocs: readonly InlineItem[];
  readonly collected: readonly CollectedSource[];
  readonly keyParts: readonly unknown[];
  readonly createdBy: string;
}

function heredocText(doc: Heredoc, expand: Expander): string {
  if (!doc.expand) return doc.content;
  // Only variables are substituted in a heredoc body; quotes are ordinary characters there.
  const placeholder = '\u0000';
  return expand.word(doc.content.replaceAll("'", placeholder).replaceAll('"', '\u0001').replaceAll('\\', '\u0002'))
    .replaceAll(placeholder, "'").replaceAll('\u0001', '"').replaceAll('\u0002', '\\');
}

export function parseChmod(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-7]{3,4}$/.test(text)) throw new Error(`invalid --chmod value "${text}": only octal modes (e.g. 0755) are supported`);
  return parseInt(text, 8);
}

/** Everything about the step that is known without touching the image: sources found and hashed. */
export async function prepareCopy(session: BuildSession, state: StageState, ins: CopyInstruction, from: CopySource | undefined, expand: Expander): Promise<PreparedCopy> {
  const sources = ins.sources.map((s) => expand.word(s));
  const rawDest = expand.word(ins.dest);
  const workdir = state.runtime.WorkingDir || '/';
  const dest = posix.resolve(workdir, rawDest) + (destinationIsDirectory(rawDest) && rawDest !== '/' ? '/' : '');
  if (ins.kind === 'add') {
    const remote = sources.find((s) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s));
    if (remote !== undefined) throw new Error(`ADD ${remote}: remote sources are not supported (build steps have no network); download it into the context`);
  }
  const heredocs: InlineItem[] = ins.heredocs.map((doc) => {
    const intoDir = destinationIsDirectory(rawDest) || ins.heredocs.length + sources.length > 1;
    return { dest: intoDir ? posix.join(dest, doc.name) : posix.resolve(dest), content: Buffer.from(heredocText(doc, expand)), mode: 0o644 };
  });
  let collected: CollectedSource[] = [];
  let fingerprint: string[] = [];
  if (sources.length > 0) {
    const root = from ? await from.root() : { root: session.contextDir, ignore: session.ignore };
    collected = await collectSources(root, sources);
    // Context files are identified by content; another stage's or image's by that stage's key.
    fingerprint = from?.identity !== undefined ? [] : await fingerprintSources(collected, (abs, st) => session.hasher.digest(abs, st));
  }
  const flags = [
    ...(ins.from !== undefined ? [`--from=${from?.description ?? ins.from}`] : []),
    ...(ins.chown !== undefined ? [`--chown=${ins.chown}`] : []),
    ...(ins.chmod !== undefined ? [`--chmod=${ins.chmod}`] : []),
  ];
  const shown = [...sources, ...ins.heredocs.map((h) => `<<${h.name}`)];
  return {
    sources, dest, heredocs, collected,
    keyParts: [ins.kind, flags, sources, dest, from?.identity ?? null, fingerprint, heredocs.map((h) => [h.dest, h.content.toString('base64')]), workdir],
    createdBy: `${ins.kind.toUpperCase()} ${[...flags, ...shown, rawDest].join(' ')} # buildkit`,
  };
}

/** Writes the layer (only on a cache miss: this is where the image's files are looked at). */
export async function executeCopy(session: BuildSession, state: StageState, ins: CopyInstruction, prepared: PreparedCopy): Promise<LayerRef> {
  const imageRoot = await session.layers.view(state.layers);
  // The destination's folders are resolved inside the image, following its symlinks there.
  const resolveDir = async (path: string): Promise<string> => {
    const found = await resolveScoped(imageRoot, path, { followFinal: true });
    return found.stats?.isDirectory() ? `/${found.rel}` : posix.resolve(`/${(await resolveScoped(imageRoot, posix.dirname(path), { followFinal: true })).rel}`, posix.basename(path));
  };
  const wantsDir = prepared.dest.endsWith('/');
  const dest = (await resolveDir(posix.resolve(prepared.dest))) + (wantsDir ? '/' : '');
  const isDirectoryInImage = async (path: string): Promise<boolean> => (await resolveScoped(imageRoot, path, { followFinal: true })).stats?.isDirectory() ?? false;
  const owner = ins.chown !== undefined ? await resolveChown(imageRoot, ins.chown) : { uid: 0, gid: 0 };
  const chmod = parseChmod(ins.chmod);

  const archives: { abs: string; compression: NonNullable<Awaited<ReturnType<typeof detectArchive>>> }[] = [];
  const plain: CollectedSource[] = ins.kind === 'add' ? [] : [...prepared.collected];
  if (ins.kind === 'add') {
    for (const c of prepared.collected) {
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
    await writeCopyLayer(writer, items, heredocs, { owner, ...(chmod !== undefined ? { chmod } : {}), imageRoot });
    for (const archive of archives) await writeArchiveLayer(writer, archive.abs, archive.compression, posix.resolve(dest), imageRoot);
  }));
  return { descriptor: stored.descriptor, diffId: stored.diffId };
}
