/**
 * Running a RUN step in a container on the stage's layers (runc on overlayfs, no network).
 * The container's changes (the overlay upper dir) become the step's layer.
 */
import { chown, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { diffDirectory } from '../snapshot/index.js';
import { resolveScoped } from './context/scoped.js';
import { BuildError } from './errors.js';
import type { LayerRef } from './layers.js';
import type { ProgressVertex } from './progress.js';
import { SCRIPT_DIR, type RunCommand, type RunInstruction } from './run-command.js';
import { mountOverlay } from './runner/overlay.js';
import { runInBundle } from './runner/runc.js';
import type { BuildSession } from './session.js';
import type { StageState } from './state.js';
import { resolveUser } from './users.js';

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
    }, session.signal);
  } finally {
    await mounted.unmount();
  }
  if (session.signal?.aborted) throw new BuildError('build cancelled', { file: session.program.file, line: ins.line });
  if (exitCode !== 0) {
    throw new BuildError(`process "${command.argv.join(' ')}" did not complete successfully: exit code: ${exitCode}`, { file: session.program.file, line: ins.line }, output);
  }
  const stored = await diffDirectory(mounted.upperDir, session.store.content);
  session.layers.provide(stored.diffId, mounted.upperDir);
  return { descriptor: stored.descriptor, diffId: stored.diffId };
}
