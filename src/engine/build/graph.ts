/**
 * The stage graph: what each stage's FROM names (an image, `scratch`, or an earlier stage),
 * which stages its `COPY --from` reads, and so which stages a target needs. Only those are
 * built; the ones that do not depend on each other run at the same time.
 */
import { processWord, type DockerfileProgram, type Instruction, type Stage } from './dockerfile/index.js';
import { BuildError } from './errors.js';

export type BaseRef =
  | { readonly kind: 'scratch' }
  | { readonly kind: 'stage'; readonly index: number }
  | { readonly kind: 'image'; readonly reference: string };

export interface StageNode {
  readonly stage: Stage;
  readonly base: BaseRef;
  /** Stages read by COPY --from (by index). */
  readonly copyFrom: ReadonlySet<number>;
}

export interface StageGraph {
  readonly nodes: readonly StageNode[];
  readonly target: number;
  /** Indexes of the stages the target needs (itself included), ascending. */
  readonly needed: readonly number[];
}

/** A stage by name (case-insensitive) or index, looking only at stages before `before`. */
export function findStage(program: DockerfileProgram, name: string, before: number): number | undefined {
  const lower = name.toLowerCase();
  for (const s of program.stages) {
    if (s.index >= before) break;
    if (s.name === lower) return s.index;
  }
  if (/^\d+$/.test(name) && Number(name) < before) return Number(name);
  return undefined;
}

export function buildGraph(program: DockerfileProgram, globalArgs: (name: string) => string | undefined, target?: string): StageGraph {
  const lex = { escape: program.escape };
  const nodes = program.stages.map((stage): StageNode => {
    const line = { file: program.file, line: stage.from.line };
    let image: string;
    try {
      image = processWord(stage.from.image, globalArgs, lex);
    } catch (err: unknown) {
      throw new BuildError(err instanceof Error ? err.message : String(err), line, undefined, { cause: err });
    }
    if (image === '') throw new BuildError(`base name (${stage.from.image}) should not be blank`, line);
    let base: BaseRef;
    const stageIndex = findStage(program, image, stage.index);
    if (image.toLowerCase() === 'scratch') base = { kind: 'scratch' };
    else if (stageIndex !== undefined) base = { kind: 'stage', index: stageIndex };
    else base = { kind: 'image', reference: image };
    const copyFrom = new Set<number>();
    // COPY --from=X and RUN --mount=...,from=X both read stage X.
    const fromRefs = stage.instructions.flatMap((ins): { ins: Instruction; text: string }[] => {
      if (ins.kind === 'copy' && ins.from !== undefined) return [{ ins, text: ins.from }];
      if (ins.kind === 'run') return ins.mounts.flatMap((m) => [...m.matchAll(/(?:^|,)\s*from=([^,]+)/g)].map((x) => ({ ins, text: x[1]!.trim() })));
      return [];
    });
    for (const { ins, text } of fromRefs) {
      const from = processWord(text, globalArgs, lex);
      const index = findStage(program, from, stage.index);
      if (index !== undefined) copyFrom.add(index);
      else if (findStage(program, from, Infinity) !== undefined) {
        throw new BuildError(`${ins.kind.toUpperCase()} from=${from}: stage "${from}" is defined later; a stage can only read stages before it`, { file: program.file, line: ins.line });
      }
    }
    return { stage, base, copyFrom };
  });

  let targetIndex = nodes.length - 1;
  if (target !== undefined && target !== '') {
    const found = findStage(program, target, Infinity);
    if (found === undefined) throw new BuildError(`target stage "${target}" could not be found`);
    targetIndex = found;
  }
  const needed = new Set<number>();
  const visit = (i: number): void => {
    if (needed.has(i)) return;
    needed.add(i);
    const node = nodes[i]!;
    if (node.base.kind === 'stage') visit(node.base.index);
    for (const dep of node.copyFrom) visit(dep);
  };
  visit(targetIndex);
  return { nodes, target: targetIndex, needed: [...needed].sort((a, b) => a - b) };
}
