/**
 * Mounting a RUN step's root filesystem: the stage's unpacked layers (read-only lower dirs)
 * under a fresh upper dir that collects the step's changes. Lower dirs are named through short
 * symlinks (l/0, l/1, ...) and the mount runs from the step's folder, so 127 layers still fit
 * the kernel's one-page limit on mount options (Docker's overlay2 does the same).
 */
import { execFile } from 'node:child_process';
import { mkdir, symlink } from 'node:fs/promises';
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
    // A single lower dir cannot be mounted without an upper: bind it read-only instead.
    await run('mount', ['--bind', '-o', 'ro', lowers[0]!, rootfs]);
    return { path: rootfs, upperDir: upper, unmount: unmountOnce(rootfs) };
  }
  await run('mount', ['-t', 'overlay', 'overlay', '-o', option, 'rootfs'], dir);
  return { path: rootfs, upperDir: upper, unmount: unmountOnce(rootfs) };
}

/** Unmounts a path; `lazy` detaches it even when busy (cleaning up after a dead build). */
export async function unmount(path: string, options: { lazy?: boolean } = {}): Promise<void> {
  await run('umount', options.lazy ? ['-l', path] : [path]);
}

/** An unmount function that runs `umount` only the first time it is called. */
function unmountOnce(path: string): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= run('umount', [path]));
}
