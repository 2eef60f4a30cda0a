/**
 * Running a RUN step in a container on the stage's layers (runc on overlayfs, no network).
 * The container's changes (the overlay upper dir) become the step's layer.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { diffDirectory } from '../snapshot/index.js';
import { BuildError } from './errors.js';
import type { LayerRef } from './layers.js';
import type { ProgressVertex } from './progress.js';
import { SCRIPT_DIR, type RunCommand, type RunInstruction } from './run-command.js';
import { layeredFs } from './layered.js';
import { isMounted, prepareOverlay, unmount } from './runner/overlay.js';
import { runStep } from './runner/runc.js';
import type { BuildSession } from './session.js';
import type { StageState } from './state.js';
import { resolveUser } from './users.js';

export async function executeRun(session: BuildSession, state: StageState, ins: RunInstruction, command: RunCommand, vertex: ProgressVertex): Promise<LayerRef> {
  if (ins.mounts.length > 0) throw new BuildError('RUN --mount is not supported by this builder', { file: session.program.file, line: ins.line });
  if (ins.network !== undefined && ins.network !== 'none' && ins.network !== 'default') {
    throw new BuildError(`RUN --network=${ins.network} is not supported: build steps run without network`, { file: session.program.file, line: ins.line });
  }
  const lowerDirs = await session.layers.lowerDirs(state.layers);
  const dir = await mkdtemp(join(session.tmpDir, 'run-'));
  const overlay = await prepareOverlay(dir, lowerDirs);
  // USER names are looked up in the image's own passwd; runc creates a missing WORKDIR.
  const user = await resolveUser(layeredFs(lowerDirs), state.runtime.User ?? '');
  const binds: { source: string; destination: string }[] = [];
  if (command.script) {
    const scriptDir = join(dir, 'scripts');
    await mkdir(scriptDir);
    await writeFile(join(scriptDir, command.script.name), command.script.content, { mode: 0o755 });
    binds.push({ source: join(scriptDir, command.script.name), destination: posix.join(SCRIPT_DIR, command.script.name) });
  }
  const output: string[] = [];
  let exitCode: number;
  try {
    exitCode = await runStep(dir, overlay.options, { args: command.argv, env: state.runEnv(), cwd: state.runtime.WorkingDir || '/', ...user, binds }, (line) => {
      output.push(line);
      if (output.length > 200) output.shift();
      vertex.log(line);
    }, session.signal);
  } finally {
    // The step's shell unmounts; if it was killed first, the mount is still there.
    if (await isMounted(join(dir, 'rootfs'))) await unmount(join(dir, 'rootfs'));
  }
  if (session.signal?.aborted) throw new BuildError('build cancelled', { file: session.program.file, line: ins.line });
  if (exitCode !== 0) {
    throw new BuildError(`process "${command.argv.join(' ')}" did not complete successfully: exit code: ${exitCode}`, { file: session.program.file, line: ins.line }, output);
  }
  const upperDir = join(dir, 'upper');
  const stored = await diffDirectory(upperDir, session.store.content);
  session.layers.provide(stored.diffId, upperDir);
  return { descriptor: stored.descriptor, diffId: stored.diffId };
}
