/**
 * The container's root filesystem: overlayfs of the image layers (read-only lower dirs)
 * under the container's own upper/work dirs. Mounted at create/start, unmounted when the
 * container exits or is removed. An image with no layers gets the upper dir bind-mounted.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { RootfsSpec } from '../types.js';
import { runTool } from './exec-tool.js';
import { findOnPath } from './oci.js';
import type { OciMount } from './spec.js';

export interface MountOptions {
  /** Short relative lower dirs and the folder they are relative to (deep images). */
  short?: { cwd: string; dirs: readonly string[] };
}

export async function isMounted(target: string): Promise<boolean> {
  // Synchronous (see record.ts): asked at each container's exit and removal.
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  // Field 5 is the mount point; paths with spaces are octal-escaped, ours have none.
  return mounts.split('\n').some((line) => line.split(' ')[4] === target);
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
  if (await isMounted(target)) return;
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
export async function unmountRootfs(target: string): Promise<void> {
  if (!(await isMounted(target))) return;
  try {
    await runTool(...mountTool('umount', ['-l', target]));
  } catch (err: unknown) {
    // Another process finalizing the same container got there first.
    if (!/not mounted|no mount point/i.test(String((err as Error).message))) throw err;
  }
}
