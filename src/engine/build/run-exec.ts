/**
 * Running a RUN step in a container on the stage's layers (runc on overlayfs, no network).
 * The container's changes (the overlay upper dir) become the step's layer.
 */
import { chmod, chown, lstat, mkdir, mkdtemp, readdir, rmdir, unlink, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { diffDirectory } from '../snapshot/index.js';
import { BuildError } from './errors.js';
import type { LayerRef } from './layers.js';
import type { ProgressVertex } from './progress.js';
import { SCRIPT_DIR, type RunCommand, type RunInstruction } from './run-command.js';
import { layeredFs } from './layered.js';
import { isMounted, prepareOverlay, unmount } from './runner/overlay.js';
import { runStep, type OciMount } from './runner/runc.js';
import { cacheMountDir, type RunMount } from './run-mounts.js';
import type { RootFs } from './context/scoped.js';
import { pathExists } from '../util/index.js';
import type { BuildSession } from './session.js';
import type { StageState } from './state.js';
import { resolveUser } from './users.js';

/** A RUN --mount with, for bind mounts, where its files are on this machine. */
export interface PreparedMount {
  readonly mount: RunMount;
  readonly hostSource?: () => Promise<string>;
}

async function ociMounts(session: BuildSession, mounts: readonly PreparedMount[]): Promise<OciMount[]> {
  const out: OciMount[] = [];
  for (const { mount, hostSource } of mounts) {
    if (mount.type === 'cache') {
      const dir = cacheMountDir(session.store.root, mount.id);
      if (!(await pathExists(dir))) {
        await mkdir(dir, { recursive: true });
        await chown(dir, mount.uid, mount.gid);
        await chmod(dir, mount.mode);
      }
      out.push({ destination: mount.target, type: 'bind', source: dir, options: ['rbind', mount.readonly ? 'ro' : 'rw'] });
    } else if (mount.type === 'tmpfs') {
      out.push({ destination: mount.target, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', ...(mount.size !== undefined ? [`size=${mount.size}`] : [])] });
    } else {
      out.push({ destination: mount.target, type: 'bind', source: await hostSource!(), options: ['rbind', 'ro'] });
    }
  }
  return out;
}

/**
 * Mount points runc had to create for the step's mounts are not part of its result: empty
 * stubs are removed from the upper dir, up to the first folder the image already had.
 */
async function removeMountStubs(upper: string, image: RootFs, targets: readonly string[]): Promise<void> {
  for (const target of [...targets].sort((a, b) => b.length - a.length)) {
    for (let p = target; p !== '/' && !(await image.lstat(p.slice(1))); p = posix.dirname(p)) {
      const abs = join(upper, p);
      const st = await lstat(abs).catch(() => undefined);
      if (!st) continue;
      if (st.isDirectory() && (await readdir(abs)).length === 0) await rmdir(abs);
      else if (st.isFile() && st.size === 0) await unlink(abs);
      else break;
    }
  }
}

export async function executeRun(session: BuildSession, state: StageState, ins: RunInstruction, command: RunCommand, vertex: ProgressVertex, mounts: readonly PreparedMount[] = []): Promise<LayerRef> {
  if (ins.network !== undefined && ins.network !== 'none' && ins.network !== 'default') {
    throw new BuildError(`RUN --network=${ins.network} is not supported: build steps run without network`, { file: session.program.file, line: ins.line });
  }
  const lowerDirs = await session.layers.lowerDirs(state.layers);
  const dir = await mkdtemp(join(session.tmpDir, 'run-'));
  const overlay = await prepareOverlay(dir, lowerDirs);
  // USER names are looked up in the image's own passwd; runc creates a missing WORKDIR.
  const image = layeredFs(lowerDirs);
  const user = await resolveUser(image, state.runtime.User ?? '');
  const extra = await ociMounts(session, mounts);
  if (command.script) {
    const scriptDir = join(dir, 'scripts');
    await mkdir(scriptDir);
    await writeFile(join(scriptDir, command.script.name), command.script.content, { mode: 0o755 });
    extra.push({ source: join(scriptDir, command.script.name), destination: posix.join(SCRIPT_DIR, command.script.name), type: 'bind', options: ['rbind', 'ro'] });
  }
  const output: string[] = [];
  let exitCode: number;
  try {
    exitCode = await runStep(dir, overlay.options, { args: command.argv, env: state.runEnv(), cwd: state.runtime.WorkingDir || '/', ...user, mounts: extra }, (line) => {
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
  await removeMountStubs(upperDir, image, mounts.map((m) => m.mount.target));
  const stored = await diffDirectory(upperDir, session.store.content);
  session.layers.provide(stored.diffId, upperDir);
  return { descriptor: stored.descriptor, diffId: stored.diffId };
}
