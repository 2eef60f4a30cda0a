/**
 * Building one stage: its base (image, scratch or an earlier stage), the base's ONBUILD
 * triggers, then each instruction. Every step gets a cache key from its parent key and what
 * it does; a hit reuses the recorded layer and time without running anything, a miss runs the
 * step and records it. Metadata steps add history but no layer.
 */
import { hostPlatform, type ImageConfig, type HistoryEntry } from '../content/index.js';
import type { ImageInfo } from '../image/index.js';
import { parseDockerfile, toInstruction, type Instruction } from './dockerfile/index.js';
import { cacheKey, type CacheRecord } from './cache.js';
import { prepareCopy, type CopySource } from './copy-prepare.js';
import { BuildError } from './errors.js';
import { findStage, type StageNode } from './graph.js';
import type { LayerRef } from './layers.js';
import { applyMetadata } from './metadata.js';
import type { ProgressVertex } from './progress.js';
import { runCommand, runHistory } from './run-command.js';
import type { PreparedMount } from './run-exec.js';
import { resolveScoped } from './context/scoped.js';
import { collectSources, fingerprintSources } from './copy/plan.js';
import type { BuildSession } from './session.js';
import { StageState, type StageResult } from './state.js';

export class BuildCancelled extends Error {}

export interface StageContext {
  readonly session: BuildSession;
  readonly node: StageNode;
  /** Base images by reference, resolved before the build started. */
  readonly images: ReadonlyMap<string, ImageInfo>;
  readonly stage: (index: number) => Promise<StageResult>;
  readonly resolveImage: (reference: string, line?: number) => Promise<ImageInfo>;
}

const FS_KINDS = new Set(['run', 'copy', 'add']);

export function layersOfImage(info: ImageInfo): LayerRef[] {
  return info.manifest.layers.map((descriptor, i) => ({ descriptor, diffId: info.config.rootfs.diff_ids[i]! }));
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** The ONBUILD triggers of a base, parsed as instructions (errors point at the FROM line). */
export function parseTriggers(triggers: readonly string[], file: string, line: number): Instruction[] {
  return triggers.map((text) => {
    try {
      const [node] = parseDockerfile(text, file).nodes;
      if (!node) throw new Error('empty trigger');
      return { ...toInstruction(node, file, '\\'), line };
    } catch (err: unknown) {
      throw new BuildError(`invalid ONBUILD trigger "${text}" in the base image: ${err instanceof Error ? err.message : String(err)}`, { file, line });
    }
  });
}

async function baseOf(ctx: StageContext): Promise<{ key: string; config: ImageConfig; layers: LayerRef[] }> {
  const base = ctx.node.base;
  if (base.kind === 'stage') {
    const parent = await ctx.stage(base.index);
    return { key: parent.key, config: clone(parent.config), layers: [...parent.layers] };
  }
  if (base.kind === 'scratch') {
    return { key: cacheKey('', ['from', 'scratch']), config: { ...hostPlatform(), config: {}, rootfs: { type: 'layers', diff_ids: [] }, history: [] }, layers: [] };
  }
  const info = ctx.images.get(base.reference);
  if (!info) throw new Error(`internal: base image ${base.reference} was not resolved`);
  const config = clone(info.config);
  return { key: cacheKey('', ['from', info.id]), config: { ...config, history: config.history ?? [] }, layers: layersOfImage(info) };
}

export async function buildStage(ctx: StageContext): Promise<StageResult> {
  const { session, node } = ctx;
  const { program } = session;
  const stage = node.stage;
  const base = await baseOf(ctx);
  const state = new StageState(base.key, base.config, base.layers, program);
  const triggers = parseTriggers(state.runtime.OnBuild ?? [], program.file, stage.from.line);
  delete state.runtime.OnBuild; // triggers run once, in the first child build
  const steps = [...triggers.map((ins) => ({ ins, trigger: true })), ...stage.instructions.map((ins) => ({ ins, trigger: false }))];
  const total = 1 + steps.filter((s) => FS_KINDS.has(s.ins.kind)).length;
  const label = program.stages.length === 1 && stage.name === undefined ? '' : `${stage.name ?? `stage-${stage.index}`} `;
  let step = 1;
  if (node.base.kind === 'image') {
    const info = ctx.images.get(node.base.reference)!;
    const v = session.progress.vertex(`[${label}1/${total}] FROM ${info.names[0] ?? node.base.reference}`);
    v.done();
  }
  for (const { ins, trigger } of steps) {
    if (session.signal?.aborted) throw new BuildError('build cancelled');
    if (session.failed) throw new BuildCancelled('cancelled: another stage failed');
    const location = { file: program.file, line: ins.line };
    const text = `${trigger ? 'ONBUILD ' : ''}${ins.node.original}`;
    let vertex: ProgressVertex | undefined;
    try {
      if (FS_KINDS.has(ins.kind)) {
        step++;
        const name = `[${label}${step}/${total}] ${text}`;
        await fileStep(ctx, state, ins, () => (vertex = session.progress.vertex(name)));
      } else {
        await metadataStep(session, state, ins);
      }
    } catch (err: unknown) {
      session.failed = true;
      if (err instanceof BuildCancelled) throw err;
      const wrapped = err instanceof BuildError ? err : new BuildError(err instanceof Error ? err.message : String(err), location, undefined, { cause: err });
      const shown = wrapped.location ? wrapped.message.slice(`${wrapped.location.file}:${wrapped.location.line}: `.length) : wrapped.message;
      vertex?.error(shown);
      throw wrapped;
    }
  }
  return state.result();
}

function addHistory(state: StageState, created: string, createdBy: string, layer: LayerRef | undefined): void {
  const entry: HistoryEntry = { created, created_by: createdBy, comment: 'buildkit.dockerfile.v0', ...(layer ? {} : { empty_layer: true }) };
  (state.config.history ??= []).push(entry);
  if (layer) {
    state.layers.push(layer);
    state.config.rootfs.diff_ids.push(layer.diffId);
  }
}

async function cached(session: BuildSession, key: string, produce: () => Promise<LayerRef | undefined>, vertex?: ProgressVertex): Promise<CacheRecord> {
  const hit = await session.cache.get(key);
  if (hit) {
    session.stats.cached++;
    vertex?.cached();
    return hit;
  }
  const layer = await produce();
  const record: CacheRecord = { created: new Date().toISOString(), ...(layer ? { layer: { descriptor: layer.descriptor, diffId: layer.diffId } } : {}) };
  await session.cache.put(key, record);
  if (vertex) session.stats.executed++;
  vertex?.done();
  return record;
}

async function metadataStep(session: BuildSession, state: StageState, ins: Instruction): Promise<void> {
  let createdBy: string;
  if (ins.kind === 'arg') {
    const parts: string[] = [];
    for (const def of ins.args) {
      const fromCli = session.buildArgs.get(def.name);
      if (fromCli !== undefined) session.consumedArgs.add(def.name);
      const value = fromCli ?? (def.defaultValue !== undefined ? state.expander().word(def.defaultValue) : session.globalArgs.get(def.name));
      state.args.set(def.name, value);
      parts.push(value === undefined ? def.name : `${def.name}=${value}`);
    }
    createdBy = `ARG ${parts.join(' ')}`;
  } else {
    const meta = { config: state.runtime, cmdSet: state.cmdSet };
    createdBy = applyMetadata(ins, meta, state.expander());
    state.cmdSet = meta.cmdSet;
  }
  state.key = cacheKey(state.key, ['meta', createdBy]);
  const record = await cached(session, state.key, async () => undefined);
  addHistory(state, record.created, createdBy, undefined);
}

async function copySource(ctx: StageContext, fromText: string, line: number): Promise<CopySource> {
  const { session } = ctx;
  const index = findStage(session.program, fromText, ctx.node.stage.index);
  if (index !== undefined) {
    const result = await ctx.stage(index);
    return {
      description: fromText, identity: `stage:${result.key}`,
      root: async () => ({ root: await session.layers.view(result.layers) }),
      layers: () => session.layers.lowerDirs(result.layers),
    };
  }
  const info = await ctx.resolveImage(fromText, line);
  return {
    description: fromText, identity: `image:${info.id}`,
    root: async () => ({ root: await session.layers.view(layersOfImage(info)) }),
    layers: () => session.layers.lowerDirs(layersOfImage(info)),
  };
}

/** Runs a RUN/COPY/ADD step; `open` starts its progress line once its inputs (other stages) are ready. */
async function fileStep(ctx: StageContext, state: StageState, ins: Instruction, open: () => ProgressVertex): Promise<void> {
  const { session } = ctx;
  if (ins.kind === 'run') {
    const mounts = await prepareMounts(ctx, state, ins);
    const vertex = open();
    const command = runCommand(ins, state);
    state.key = cacheKey(state.key, ['run', command.argv, command.script ?? null, state.runEnv(), state.runtime.WorkingDir ?? '', state.runtime.User ?? '', mounts.map((m) => m.key)]);
    const record = await cached(session, state.key, async () => (await import('./run-exec.js')).executeRun(session, state, ins, command, vertex, mounts), vertex);
    addHistory(state, record.created, runHistory(command, state), record.layer);
    return;
  }
  if (ins.kind !== 'copy' && ins.kind !== 'add') throw new Error(`internal: ${ins.kind} is not a file step`);
  const expand = state.expander();
  const from = ins.from !== undefined ? await copySource(ctx, expand.word(ins.from), ins.line) : undefined;
  const vertex = open();
  const prepared = await prepareCopy(session, state, ins, from, expand);
  state.key = cacheKey(state.key, prepared.keyParts);
  const record = await cached(session, state.key, async () => (await import('./copy-exec.js')).executeCopy(session, state, ins, prepared), vertex);
  addHistory(state, record.created, prepared.createdBy, record.layer);
}

/** RUN --mount specs with their cache key parts (a bind mount is keyed by its files' content). */
async function prepareMounts(ctx: StageContext, state: StageState, ins: Extract<Instruction, { kind: 'run' }>): Promise<(PreparedMount & { key: unknown })[]> {
  if (ins.mounts.length === 0) return [];
  const { session } = ctx;
  const { parseRunMounts } = await import('./run-mounts.js');
  const mounts = parseRunMounts(ins.mounts, state.runtime.WorkingDir ?? '/', state.lookup, session.program.escape);
  return Promise.all(mounts.map(async (mount) => {
    if (mount.type !== 'bind') return { mount, key: mount };
    if (mount.from !== undefined) {
      const from = await copySource(ctx, state.expander().word(mount.from), ins.line);
      const hostSource = async (): Promise<string> => (await resolveScoped((await from.root()).root, mount.source, { followFinal: true })).abs;
      return { mount, hostSource, key: [mount, from.identity] };
    }
    const found = await resolveScoped(session.contextDir, mount.source, { followFinal: true });
    if (!found.stats || (found.rel !== '' && session.ignore.excludes(found.rel))) throw new Error(`"/${mount.source}": not found`);
    const fingerprint = await fingerprintSources(await collectSources({ root: session.contextDir, ignore: session.ignore }, [mount.source]), (abs, st) => session.hasher.digest(abs, st));
    return { mount, hostSource: async () => found.abs, key: [mount, fingerprint] };
  }));
}
