/**
 * cgroup v1 facts the runtime reads itself: whether the memory controller OOM-killed a
 * process in the container's cgroup, and the caller's limits that bound what a container may
 * ask for. The OCI runtime (cgroupfs driver) sets the cgroup up and deletes it.
 *
 * Every container's cgroup sits under one parent, `skiff`, in each hierarchy. The parent is
 * removed when its last container goes; a create made at the same time cannot lose it:
 * the container's own directories are made here first (mkdir -p, which makes the parent
 * again if it just went), and a parent with a child cannot be removed (EBUSY).
 */
import { readFile } from 'node:fs/promises';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

const cgroupRoot = '/sys/fs/cgroup';
/** The v1 hierarchies runc uses here, and the v2 one of a hybrid layout (`unified`). */
const hierarchies = ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'devices', 'freezer', 'blkio', 'systemd', 'unified'];
/** The parent of every container's cgroup unless the runtime was given another. */
export const defaultCgroupParent = 'skiff';

export function cgroupsPathFor(id: string, parent = defaultCgroupParent): string {
  return `/${parent}/${id}`;
}

/** The container's cgroup path (under the parent it was created with). */
export function cgroupsPathOf(record: { id: string; cgroupParent?: string }): string {
  return cgroupsPathFor(record.id, record.cgroupParent);
}

let mounted: string[] | undefined;

/** The hierarchies mounted on this machine (a missing one is skipped). */
function mountedHierarchies(): string[] {
  mounted ??= hierarchies.filter((h) => existsSync(join(cgroupRoot, h)));
  return mounted;
}

/**
 * Runs `op` on the path in every hierarchy, synchronously (ten folders per container, made
 * and removed at each start and stop: see record.ts for what asynchronous calls cost the
 * event loop here); the listed error codes are expected and ignored.
 */
function inEveryHierarchy(relative: string, op: (path: string) => void, ignored: readonly string[], what: string): void {
  let failure: Error | undefined;
  for (const h of mountedHierarchies()) {
    try {
      op(join(cgroupRoot, h, relative));
    } catch (err: unknown) {
      // The other hierarchies are still done; the first failure is reported after them.
      if (!ignored.includes((err as NodeJS.ErrnoException).code ?? '')) failure ??= new Error(`${what} ${h}/${relative}`, { cause: err });
    }
  }
  if (failure) throw failure;
}

/**
 * Makes the container's cgroup directories before the OCI runtime does (it finds them and
 * goes on): while they exist, removeParentIfEmpty cannot take the parent away under it.
 */
export async function reserveCgroup(cgroupsPath: string): Promise<void> {
  inEveryHierarchy(cgroupsPath, (path) => mkdirSync(path, { recursive: true }), [], 'making cgroup');
}

/** Removes the parent (`skiff`) in every hierarchy where no container is left under it. */
export async function removeParentIfEmpty(parent = defaultCgroupParent): Promise<void> {
  // EBUSY/ENOTEMPTY: a container is (or is being) created under it; ENOENT: gone already.
  inEveryHierarchy(parent, rmdirSync, ['ENOENT', 'EBUSY', 'ENOTEMPTY'], 'removing cgroup');
}

/** True when the kernel OOM-killed something in the cgroup (v1 memory.oom_control, v2 memory.events). */
export async function wasOomKilled(cgroupsPath: string): Promise<boolean> {
  for (const [file, key] of [[join(cgroupRoot, 'memory', cgroupsPath, 'memory.oom_control'), 'oom_kill'], [join(cgroupRoot, cgroupsPath, 'memory.events'), 'oom_kill']] as const) {
    try {
      const text = await readFile(file, 'utf8');
      const line = text.split('\n').find((l) => l.startsWith(`${key} `));
      if (line) return Number(line.split(' ')[1]) > 0;
    } catch (err: unknown) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return false;
}

/** Removes the container's cgroup dirs (the runtime's delete normally did; this is the safety net). */
export async function removeCgroup(cgroupsPath: string): Promise<void> {
  inEveryHierarchy(cgroupsPath, rmdirSync, ['ENOENT'], 'removing cgroup');
}

let nofileHard: number | undefined;

/**
 * The hard RLIMIT_NOFILE of this process (a container may not be given more). Read once:
 * skiff never changes its own limits, and every container start used to read it again.
 */
export async function nofileHardLimit(): Promise<number> {
  nofileHard ??= await readNofileHardLimit();
  return nofileHard;
}

async function readNofileHardLimit(): Promise<number> {
  const text = await readFile('/proc/self/limits', 'utf8');
  const line = text.split('\n').find((l) => l.startsWith('Max open files'));
  const hard = line?.trim().split(/\s+/)[4];
  return hard === undefined || hard === 'unlimited' ? 1_048_576 : Number(hard);
}

/** `64m`, `1g`, `512k`, `1048576` to bytes (Docker's RAMInBytes, binary units). */
export function parseMemory(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)i?b?$/i.exec(value.trim());
  if (!m) throw new Error(`invalid memory size "${value}"`);
  const units: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };
  return Math.floor(Number(m[1]) * units[m[2]!.toLowerCase()]!);
}
