/**
 * Mounting a RUN step's root filesystem: the stage's unpacked layers (read-only lower dirs)
 * under a fresh upper dir that collects the step's changes. Lower dirs are named through short
 * symlinks (l/0, l/1, ...) and the mount runs from the step's folder, so 127 layers still fit
 * the kernel's one-page limit on mount options (Docker's overlay2 does the same).
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';

function run(file: string, args: readonly string[], cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || err.message}`, { cause: err }));
      else resolve();
    });
  });
}

export interface MountedRootfs {
  /** The merged root filesystem. */
  readonly path: string;
  readonly upperDir: string;
  unmount(): Promise<void>;
}

/**
 * Mounts overlayfs at `<dir>/rootfs` with `<dir>/upper` and `<dir>/work`; `lowerDirs` top first.
 * With `readOnly` there is no upper dir (a merged view of the layers, for reading).
 */
export async function mountOverlay(dir: string, lowerDirs: readonly string[], options: { readOnly?: boolean } = {}): Promise<MountedRootfs> {
  const rootfs = join(dir, 'rootfs');
  const upper = join(dir, 'upper');
  const prepared = await prepareOverlay(dir, lowerDirs, options);
  if (prepared.bindSource !== undefined) {
    // A single lower dir cannot be mounted without an upper: bind it read-only instead.
    await run('mount', ['--bind', '-o', 'ro', prepared.bindSource, rootfs]);
  } else {
    await run('mount', ['-t', 'overlay', 'overlay', '-o', prepared.options, 'rootfs'], dir);
  }
  return { path: rootfs, upperDir: upper, unmount: unmountOnce(rootfs) };
}

/**
 * Makes `<dir>/{l,rootfs,upper,work}` and returns the overlayfs mount options, relative to
 * `dir` (mount from there), or the one folder to bind when read-only over a single layer.
 */
export async function prepareOverlay(dir: string, lowerDirs: readonly string[], options: { readOnly?: boolean } = {}): Promise<{ options: string; bindSource?: string }> {
  const rootfs = join(dir, 'rootfs');
  const upper = join(dir, 'upper');
  await mkdir(join(dir, 'l'), { recursive: true });
  await mkdir(rootfs, { recursive: true });
  const lowers = [...lowerDirs];
  if (lowers.length === 0) {
    // overlayfs needs at least one lower dir; FROM scratch gets an empty one.
    await mkdir(join(dir, 'empty'), { recursive: true });
    lowers.push(join(dir, 'empty'));
  }
  await Promise.all(lowers.map((target, i) => symlink(target, join(dir, 'l', String(i)))));
  const lowerOption = `lowerdir=${lowers.map((_, i) => `l/${i}`).join(':')}`;
  let option = lowerOption;
  if (!options.readOnly) {
    await mkdir(upper, { recursive: true, mode: 0o755 });
    await mkdir(join(dir, 'work'), { recursive: true });
    option += ',upperdir=upper,workdir=work';
  } else if (lowers.length === 1) {
    return { options: option, bindSource: lowers[0]! };
  }
  return { options: option };
}

/** Whether something is mounted at `path` (read from /proc/self/mounts, no process started). */
export async function isMounted(path: string): Promise<boolean> {
  const text = await readFile('/proc/self/mounts', 'utf8');
  return text.split('\n').some((line) => line.split(' ')[1] === path);
}

/** Unmounts a path; `lazy` detaches it even when busy (cleaning up after a dead build). */
export async function unmount(paths: string | readonly string[], options: { lazy?: boolean } = {}): Promise<void> {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  await run('umount', options.lazy ? ['-l', ...list] : list);
}

/** An unmount function that runs `umount` only the first time it is called. */
function unmountOnce(path: string): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= run('umount', [path]));
}
