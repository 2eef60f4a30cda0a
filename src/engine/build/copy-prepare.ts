/**
 * COPY and ADD before they run: where the files come from (the context, another stage, an
 * image) and the cache key parts that identify them. Writing the layer is in copy-exec.ts,
 * loaded only on a cache miss.
 */
import { posix } from 'node:path';
import type { Heredoc, Instruction } from './dockerfile/index.js';
import { IgnoreMatcher } from './context/ignore.js';
import { collectSources, destinationIsDirectory, excludeSources, fingerprintSources, type CollectedSource, type SourceRoot } from './copy/plan.js';
import type { InlineItem } from './copy/write.js';
import type { Expander } from './metadata.js';
import type { BuildSession } from './session.js';
import type { StageState } from './state.js';

export type CopyInstruction = Extract<Instruction, { kind: 'copy' | 'add' }>;

/** Where a COPY reads: the context, or the merged files of a stage or image (made on demand). */
export interface CopySource {
  readonly description: string;
  /** Identifies the source's content for the cache without reading it (stage key, image ID). */
  readonly identity?: string;
  root(): Promise<SourceRoot>;
  /** The source's unpacked layers, top first, to find simple sources without a mount. */
  layers?(): Promise<string[]>;
}

export interface PreparedCopy {
  readonly sources: readonly string[];
  readonly dest: string;
  readonly heredocs: readonly InlineItem[];
  /** The sources found (for another stage or an image, found only when the step runs). */
  readonly collect: () => Promise<readonly CollectedSource[]>;
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
  if (ins.parents) throw new Error(`${ins.kind.toUpperCase()} --parents is not supported by this builder`);
  const excludeWords = ins.excludes.map((e) => expand.word(e));
  const excludes = IgnoreMatcher.parse(excludeWords.join('\n'));
  let found: Promise<CollectedSource[]> | undefined;
  const collect = (): Promise<CollectedSource[]> => {
    if (sources.length === 0) return Promise.resolve([]);
    return (found ??= (async () => {
      let all: CollectedSource[];
      if (!from) all = await collectSources({ root: session.contextDir, ignore: session.ignore }, sources);
      else {
        // Loaded here: only a cache miss looks at another stage's files.
        const { collectFromLayers } = await import('./copy/layer-sources.js');
        all = (from.layers ? await collectFromLayers(await from.layers(), sources) : undefined) ?? await collectSources(await from.root(), sources);
      }
      return excludeSources(all, excludes);
    })());
  };
  // Context files are identified by content; another stage's or an image's files by that
  // stage's key or image ID, so a cache hit never needs to look at them.
  const fingerprint = from?.identity !== undefined ? [] : await fingerprintSources(await collect(), (abs, st) => session.hasher.digest(abs, st));
  const flags = [
    ...(ins.from !== undefined ? [`--from=${from?.description ?? ins.from}`] : []),
    ...(ins.chown !== undefined ? [`--chown=${ins.chown}`] : []),
    ...(ins.chmod !== undefined ? [`--chmod=${ins.chmod}`] : []),
    ...excludeWords.map((e) => `--exclude=${e}`),
  ];
  const shown = [...sources, ...ins.heredocs.map((h) => `<<${h.name}`)];
  return {
    sources, dest, heredocs, collect,
    keyParts: [ins.kind, flags, sources, dest, from?.identity ?? null, fingerprint, heredocs.map((h) => [h.dest, h.content.toString('base64')]), workdir],
    createdBy: `${ins.kind.toUpperCase()} ${[...flags, ...shown, rawDest].join(' ')} # buildkit`,
  };
}

