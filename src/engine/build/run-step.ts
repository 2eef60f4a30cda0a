/**
 * RUN: the command line (shell form through the stage's SHELL, exec form as is, heredocs as
 * BuildKit treats them), and running it in a container on the stage's layers. The container's
 * changes (the overlay upper dir) become the step's layer.
 */
import { chown, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { diffDirectory } from '../snapshot/index.js';
import type { Instruction } from './dockerfile/index.js';
import { resolveScoped } from './context/scoped.js';
import { BuildError } from './errors.js';
import type { LayerRef } from './layers.js';
import { shellOf } from './metadata.js';
import type { ProgressVertex } from './progress.js';
import { mountOverlay } from './runner/overlay.js';
import { runInBundle } from './runner/runc.js';
import type { BuildSession } from './session.js';
import type { StageState } from './state.js';
import { resolveUser } from './users.js';

type RunInstruction = Extract<Instruction, { kind: 'run' }>;

export interface RunCommand {
  readonly argv: readonly string[];
  /** A heredoc script with a shebang, run as a file (mounted at /dev/pipes/NAME). */
  readonly script?: { readonly name: string; readonly content: string };
}

const SCRIPT_DIR = '/dev/pipes';

export function runCommand(ins: RunInstruction, state: StageState): RunCommand {
  if (ins.exec) return { argv: [...ins.exec] };
  const shell = shellOf(state.runtime);
  const text = ins.shell ?? '';
  const [only] = ins.heredocs;
  // `RUN <<EOF` alone: the heredoc is the script.
  if (only && ins.heredocs.length === 1 && /^<<-?(['"]?)[^'"\s]+\1$/.test(text.trim())) {
    if (only.content.startsWith('#!')) return { argv: [posix.join(SCRIPT_DIR, only.name)], script: { name: only.name, content: only.content } };
    return { argv: [...shell, only.content] };
  }
  // `RUN cmd <<EOF`: the shell gets the command and the here-documents, as in a script.
  if (ins.heredocs.length > 0) {
    const bodies = ins.heredocs.map((h) => `${h.content}${h.name}\n`).join('');
    return { argv: [...shell, `${text}\n${bodies}`] };
  }
  return { argv: [...shell, text] };
}

/** BuildKit's history line: `RUN |2 A=1 B=2 /bin/sh -c make # buildkit`. */
export function runHistory(command: RunCommand, state: StageState): string {
  const args = state.argEnv();
  const prefix = args.length > 0 ? `|${args.length} ${args.join(' ')} ` : '';
  return `RUN ${prefix}${command.argv.join(' ')} # buildkit`;
}

/** Creates the working directory (and missing parents) inside the root, owned by root. */
async function ensureWorkdir(rootfs: string, workdir: string): Promise<void> {
  const found = await resolveScoped(rootfs, workdir, { followFinal: true });
  if (found.stats?.isDirectory()) return;
  if (found.stats) throw new Error(`working directory ${workdir} is not a directory`);
  // Missing components were not links (resolveScoped stopped at the first missing one).
  let current = rootfs;
  for (const part of found.rel.split('/').filter((p) => p !== '')) {
    current = join(current, part);
    await mkdir(current, { mode: 0o755 }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    });
  }
  await chown(current, 0, 0);
}

export async function executeRun(session: BuildSession, state: StageState, ins: RunInstruction, command: RunCommand, vertex: ProgressVertex): Promise<LayerRef> {
  if (ins.mounts.length > 0) throw new BuildError('RUN --mount is not supported by this builder', { file: session.program.file, line: ins.line });
  if (ins.network !== undefined && ins.network !== 'none' && ins.network !== 'default') {
    throw new BuildError(`RUN --network=${ins.network} is not supported: build steps run without network`, { file: session.program.file, line: ins.line });
  }
  const lowerDirs = await session.layers.lowerDirs(state.layers);
  const dir = await mkdtemp(join(session.tmpDir, 'run-'));
  const mounted = await mountOverlay(dir, lowerDirs);
  const output: string[] = [];
  let exitCode: number;
  try {
    const user = await resolveUser(mounted.path, state.runtime.User ?? '');
    const cwd = state.runtime.WorkingDir || '/';
    await ensureWorkdir(mounted.path, cwd);
    const binds: { source: string; destination: string }[] = [];
    if (command.script) {
      const scriptDir = join(dir, 'scripts');
      await mkdir(scriptDir);
      await writeFile(join(scriptDir, command.script.name), command.script.content, { mode: 0o755 });
      binds.push({ source: join(scriptDir, command.script.name), destination: posix.join(SCRIPT_DIR, command.script.name) });
    }
    exitCode = await runInBundle(dir, { args: command.argv, env: state.runEnv(), cwd, ...user, binds }, (line) => {
      output.push(line);
      if (output.length > 200) output.shift();
      vertex.log(line);
    });
  } finally {
    await mounted.unmount();
  }
  if (exitCode !== 0) {
    throw new BuildError(`process "${command.argv.join(' ')}" did not complete successfully: exit code: ${exitCode}`, { file: session.program.file, line: ins.line }, output);
  }
  const stored = await diffDirectory(mounted.upperDir, session.store.content);
  return { descriptor: stored.descriptor, diffId: stored.diffId };
}
