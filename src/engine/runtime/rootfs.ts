/**
 * The container's root filesystem: overlayfs of the image layers (read-only lower dirs)
 * under the container's own upper/work dirs. Mounted at create/start, unmounted when the
 * container exits or is removed. An image with no layers gets the upper dir bind-mounted.
 */
import { mkdirSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { dirname } from 'node:path';
import type { RootfsSpec } from '../types.js';
import { runTool } from './exec-tool.js';
import { findOnPath } from './oci.js';
import type { OciMount } from './spec.js';

export interface MountOptions {
  /** Short relative lower dirs and the folder they are relative to (deep images). */
  short?: { cwd: string; dirs: readonly string[] };
}

/**
 * Whether the rootfs is mounted at `target`, from two or three stats, not the mount table (a
 * node's has hundreds of lines, and this is asked at each container's start, exit and
 * removal): an overlay has a device of its own, so its mount point's differs from its parent
 * folder's; a bind mount of the upper folder (an image without layers) shows that folder's
 * inode. Synchronous (see record.ts).
 */
export async function isMounted(target: string, spec: RootfsSpec): Promise<boolean> {
  let here: Stats | undefined;
  let parent: Stats | undefined;
  try {
    here = statSync(target, { throwIfNoEntry: false });
    if (!here) return false;
    parent = statSync(dirname(target), { throwIfNoEntry: false });
  } catch {
    return true; // a mount gone bad (ENOTCONN, EIO...): the umount is what clears it
  }
  if (!parent || here.dev !== parent.dev) return true;
  if (spec.lowerDirs.length === 0) {
    const upper = statSync(spec.upperDir, { throwIfNoEntry: false });
    return upper !== undefined && upper.dev === here.dev && upper.ino === here.ino;
  }
  return false;
}

/**
 * mount and umount as busybox's applets when busybox is installed: a static program that makes
 * the one system call. util-linux's loads libmount and reads the mount table first: ~2.5x the
 * CPU here (4 against 1.5 ms a mount and umount), more with a node's hundreds of mounts.
 */
function mountTool(name: 'mount' | 'umount', args: readonly string[]): [string, string[]] {
  try {
    return [findOnPath('busybox'), [name, ...args]];
  } catch {
    return [name, [...args]];
  }
}

export async function mountRootfs(spec: RootfsSpec, target: string, options: MountOptions = {}): Promise<void> {
  await makeRootfsDirs(spec, target);
  if (await isMounted(target, spec)) return;
  if (spec.lowerDirs.length === 0) {
    await runTool(...mountTool('mount', ['--bind', spec.upperDir, target]));
    return;
  }
  const short = options.short && options.short.dirs.length === spec.lowerDirs.length ? options.short : undefined;
  const lower = (short ? short.dirs : spec.lowerDirs).join(':');
  const data = `lowerdir=${lower},upperdir=${spec.upperDir},workdir=${spec.workDir}`;
  await runTool(...mountTool('mount', ['-t', 'overlay', 'overlay', '-o', data, target]), short ? { cwd: short.cwd } : {});
}

/**
 * overlayfs takes its options in one page; stay well under it (absolute paths only: the OCI
 * runtime mounts from its own working directory, so relative short paths cannot be used).
 */
const maxInSpecOptionBytes = 3500;

/**
 * The rootfs as an OCI mount over "/", for the OCI runtime to make inside the container's own
 * mount namespace (runc does; crun 1.8 refuses it). Nothing is mounted on the host then, so
 * there is nothing to unmount: the mount ends with the container's last process. Undefined
 * when the host mount is still needed: an image without layers or too many layers for one
 * page of absolute paths.
 */
export function inSpecRootMount(spec: RootfsSpec): OciMount | undefined {
  if (spec.lowerDirs.length === 0) return undefined;
  const data = `lowerdir=${spec.lowerDirs.join(':')},upperdir=${spec.upperDir},workdir=${spec.workDir}`;
  if (data.length > maxInSpecOptionBytes) return undefined;
  return { destination: '/', type: 'overlay', source: 'overlay', options: [data] };
}

/** The folders the rootfs needs before either kind of mount. */
export async function makeRootfsDirs(spec: RootfsSpec, target: string): Promise<void> {
  // Synchronous: see record.ts.
  for (const dir of [target, spec.upperDir, spec.workDir]) mkdirSync(dir, { recursive: true });
}

/** Unmounts if mounted; a lazy detach, so a straggling reader cannot keep the container around. */
export async function unmountRootfs(target: string, spec: RootfsSpec): Promise<void> {
  if (!(await isMounted(target, spec))) return;
  try {
    await runTool(...mountTool('umount', ['-l', target]));
  } catch (err: unknown) {
    // Another process finalizing the same container got there first.
    if (!/not mounted|no mount point/i.test(String((err as Error).message))) throw err;
  }
}
