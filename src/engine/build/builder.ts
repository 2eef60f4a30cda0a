/**
 * `build`: Dockerfile + context -> a tagged image. Loads the Dockerfile and .dockerignore,
 * works out which stages the target needs, resolves base images, checks the layer limit
 * before doing any work, builds the stages (independent ones at the same time), and writes
 * the image and its names only when everything succeeded. Temp files and mounts are removed
 * whatever happens.
 */
import { randomBytes, createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { openImageStore, type ImageInfo, type ImageStore } from '../image/index.js';
import { normalizeReference } from '../reference/index.js';
import { isErrno } from '../util/index.js';
import { BuildCache } from './cache.js';
import { FileHasher } from './context/hasher.js';
import { IgnoreMatcher } from './context/ignore.js';
import { DockerfileError, loadDockerfile, processWord, type DockerfileProgram } from './dockerfile/index.js';
import { BuildError } from './errors.js';
import { buildGraph, type StageGraph } from './graph.js';
import { LayerMaterializer, removeAbandonedBuildDirs } from './layers.js';
import { silentProgress, type ProgressSink } from './progress.js';
import type { BuildSession } from './session.js';
import { BuildCancelled, buildStage, parseTriggers } from './stage.js';
import type { StageResult } from './state.js';

export const MAX_LAYERS = 127;

/** Build args Docker predefines (proxies): never reported as unused. */
const PREDEFINED_ARGS = new Set(['HTTP_PROXY', 'HTTPS_PROXY', 'FTP_PROXY', 'NO_PROXY', 'ALL_PROXY'].flatMap((n) => [n, n.toLowerCase()]));

export interface BuildOptions {
  /** Engine root (image store, snapshots, build cache). */
  readonly root: string;
  readonly contextDir: string;
  /** Dockerfile path (default: <context>/Dockerfile). */
  readonly dockerfile?: string;
  /** Dockerfile text given directly (then `dockerfile` only names it in messages). */
  readonly dockerfileText?: string;
  readonly tags?: readonly string[];
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly target?: string;
  readonly noCache?: boolean;
  readonly progress?: ProgressSink;
  /** Cancels the build: running steps are killed, and everything is cleaned up as for a failure. */
  readonly signal?: AbortSignal;
  /** An already open image store for the same root. */
  readonly store?: ImageStore;
}

export interface BuildResult {
  /** The image ID (config digest). */
  readonly id: string;
  readonly manifestDigest: string;
  /** Normalised names given to the image. */
  readonly names: readonly string[];
  readonly cachedSteps: number;
  readonly executedSteps: number;
  readonly warnings: readonly string[];
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

function globalArgValues(program: DockerfileProgram, buildArgs: ReadonlyMap<string, string>, consumed: Set<string>): Map<string, string | undefined> {
  const values = new Map<string, string | undefined>();
  for (const def of program.globalArgs) {
    const fromCli = buildArgs.get(def.name);
    if (fromCli !== undefined) consumed.add(def.name);
    const value = fromCli ?? (def.defaultValue !== undefined ? processWord(def.defaultValue, (n) => values.get(n), { escape: program.escape }) : undefined);
    values.set(def.name, value);
  }
  return values;
}

/** Layers the target's image will have, counted before building; throws at the 128th. */
function checkLayerLimit(program: DockerfileProgram, graph: StageGraph, images: ReadonlyMap<string, ImageInfo>): void {
  const count = (index: number): number => {
    const node = graph.nodes[index]!;
    let layers = 0;
    let onBuild: readonly string[] = [];
    if (node.base.kind === 'stage') layers = count(node.base.index);
    else if (node.base.kind === 'image') {
      const info = images.get(node.base.reference)!;
      layers = info.config.rootfs.diff_ids.length;
      onBuild = info.config.config?.OnBuild ?? [];
    }
    const steps = [...parseTriggers(onBuild, program.file, node.stage.from.line), ...node.stage.instructions];
    for (const ins of steps) {
      if (ins.kind !== 'run' && ins.kind !== 'copy' && ins.kind !== 'add') continue;
      layers++;
      if (layers > MAX_LAYERS) {
        throw new BuildError(`too many layers: this step would make layer ${layers} of the image, and an image can have at most ${MAX_LAYERS}`, { file: program.file, line: ins.line });
      }
    }
    return layers;
  };
  count(graph.target);
}

export async function build(options: BuildOptions): Promise<BuildResult> {
  const progress = options.progress ?? silentProgress;
  const store = options.store ?? openImageStore(options.root);
  const contextDir = resolve(options.contextDir);
  const dockerfilePath = options.dockerfile !== undefined ? resolve(contextDir, options.dockerfile) : join(contextDir, 'Dockerfile');
  const fileLabel = options.dockerfile !== undefined ? options.dockerfile.replace(/^.*\//, '') : 'Dockerfile';
  const warnings: string[] = [];

  // Names are checked before any work, so a typo in -t does not cost a whole build.
  const names = (options.tags ?? []).map((t) => {
    try {
      return normalizeReference(t);
    } catch (err: unknown) {
      throw new BuildError(`invalid tag "${t}": ${err instanceof Error ? err.message : String(err)}`, undefined, undefined, { cause: err });
    }
  });
  const contextStats = await stat(contextDir).catch(() => undefined);
  if (!contextStats?.isDirectory()) throw new BuildError(`unable to prepare context: path "${options.contextDir}" not found`);

  // 1. The Dockerfile and .dockerignore.
  let v = progress.vertex(`[internal] load build definition from ${fileLabel}`);
  const text = options.dockerfileText ?? (await readText(dockerfilePath));
  if (text === undefined) {
    v.error(`failed to read dockerfile: open ${fileLabel}: no such file or directory`);
    throw new BuildError(`failed to read dockerfile: open ${dockerfilePath}: no such file or directory`);
  }
  v.status(`transferring dockerfile: ${Buffer.byteLength(text)}B done`);
  let program: DockerfileProgram;
  try {
    program = loadDockerfile(text, fileLabel);
  } catch (err: unknown) {
    if (err instanceof DockerfileError) {
      v.error(err.detail);
      throw new BuildError(err.detail, { file: err.file, line: err.line }, undefined, { cause: err });
    }
    throw err;
  }
  v.done();
  v = progress.vertex('[internal] load .dockerignore');
  const ignoreText = (await readText(`${dockerfilePath}.dockerignore`)) ?? (await readText(join(contextDir, '.dockerignore'))) ?? '';
  const ignore = IgnoreMatcher.parse(ignoreText);
  v.status(`transferring context: ${Buffer.byteLength(ignoreText)}B done`);
  v.done();

  // 2. The stages the target needs, and their base images.
  const buildArgs = new Map(Object.entries(options.buildArgs ?? {}));
  const consumedArgs = new Set<string>();
  const globalArgs = globalArgValues(program, buildArgs, consumedArgs);
  const graph = buildGraph(program, (n) => globalArgs.get(n), options.target);
  const images = new Map<string, ImageInfo>();
  const lookups = new Map<string, Promise<ImageInfo>>();
  const lookupImage = async (reference: string, line?: number): Promise<ImageInfo> => {
    let name = reference;
    try {
      name = normalizeReference(reference);
    } catch {
      name = reference; // an image ID or digest: the store resolves those too
    }
    const vertex = progress.vertex(`[internal] load metadata for ${name}`);
    try {
      const info = await store.resolve(reference);
      vertex.done();
      return info;
    } catch (err: unknown) {
      const message = `failed to resolve source metadata for ${name}: ${err instanceof Error ? err.message : String(err)}`;
      vertex.error(message);
      throw new BuildError(message, line !== undefined ? { file: program.file, line } : undefined, undefined, { cause: err });
    }
  };
  // Each image is looked up once per build, however many stages name it.
  const resolveImage = (reference: string, line?: number): Promise<ImageInfo> => {
    let pending = lookups.get(reference);
    if (!pending) {
      pending = lookupImage(reference, line);
      lookups.set(reference, pending);
    }
    return pending;
  };
  await Promise.all(graph.needed.map(async (i) => {
    const node = graph.nodes[i]!;
    if (node.base.kind === 'image') images.set(node.base.reference, await resolveImage(node.base.reference, node.stage.from.line));
  }));
  checkLayerLimit(program, graph, images);
  const readsContext = graph.needed.some((i) => graph.nodes[i]!.stage.instructions.some((ins) =>
    ((ins.kind === 'copy' || ins.kind === 'add') && ins.from === undefined && ins.sources.length > 0) || (ins.kind === 'run' && ins.mounts.length > 0)));
  if (readsContext) {
    // Files are read where they are (no transfer); each step hashes what it copies.
    const vertex = progress.vertex('[internal] load build context');
    vertex.status('transferring context: done');
    vertex.done();
  }

  // 3. The stages.
  const tmpRoot = join(options.root, 'build-cache', 'tmp');
  await removeAbandonedBuildDirs(tmpRoot);
  const tmpDir = join(tmpRoot, `${process.pid}-${randomBytes(6).toString('hex')}`);
  await mkdir(tmpDir, { recursive: true });
  const layers = new LayerMaterializer(store, tmpDir);
  const hasher = new FileHasher(join(options.root, 'build-cache', 'context-hashes', `${createHash('sha256').update(contextDir).digest('hex').slice(0, 32)}.json`));
  const session: BuildSession = {
    store, program, contextDir, ignore, hasher, layers, progress, tmpDir, buildArgs, consumedArgs, globalArgs,
    ...(options.signal ? { signal: options.signal } : {}),
    cache: new BuildCache(options.root, store.content, !options.noCache),
    failed: false,
    stats: { cached: 0, executed: 0 },
  };
  try {
    await hasher.load();
    const running = new Map<number, Promise<StageResult>>();
    const stage = (index: number): Promise<StageResult> => {
      let p = running.get(index);
      if (!p) {
        p = buildStage({ session, node: graph.nodes[index]!, images, stage, resolveImage });
        p.catch(() => undefined); // reported by whoever awaits it, below
        running.set(index, p);
      }
      return p;
    };
    const settled = await Promise.allSettled(graph.needed.map((i) => stage(i)));
    const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected').map((s) => s.reason as unknown);
    if (failures.length > 0) throw failures.find((f) => !(f instanceof BuildCancelled)) ?? failures[0];
    const result = await stage(graph.target);
    if (options.signal?.aborted) throw new BuildError('build cancelled');

    // 4. The image: only now do config, manifest and names get written.
    const v2 = progress.vertex('exporting to image');
    v2.status('exporting layers done');
    const history = result.config.history ?? [];
    const created = history.reduce((latest, h) => (h.created !== undefined && h.created > latest ? h.created : latest), result.config.created ?? '');
    const config = { ...result.config, created: created || new Date().toISOString() };
    const image = await store.createImage({ config, layers: result.layers.map((l) => l.descriptor), names });
    v2.status(`writing image ${image.id} done`);
    for (const name of names) v2.status(`naming to ${name} done`);
    v2.done();

    const unused = [...buildArgs.keys()].filter((k) => !consumedArgs.has(k) && !PREDEFINED_ARGS.has(k)).sort();
    if (unused.length > 0) {
      const message = `One or more build-args [${unused.join(' ')}] were not consumed`;
      warnings.push(message);
      progress.warn(message);
    }
    await hasher.save();
    return { id: image.id, manifestDigest: image.manifestDigest, names, cachedSteps: session.stats.cached, executedSteps: session.stats.executed, warnings };
  } finally {
    // If a view cannot be unmounted, its folder is left alone rather than deleted through the mount.
    await layers.close();
    await rm(tmpDir, { recursive: true, force: true });
  }
}
