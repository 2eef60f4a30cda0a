/**
 * cgroup v1 facts the runtime reads itself: whether the memory controller OOM-killed a
 * process in the container's cgroup, and the caller's limits that bound what a container may
 * ask for. The cgroup is made and removed by the OCI runtime (cgroupfs driver).
 */
import { readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

const cgroupRoot = '/sys/fs/cgroup';
const v1Controllers = ['memory', 'cpu', 'cpuacct', 'cpuset', 'pids', 'devices', 'freezer', 'blkio', 'systemd'];

export function cgroupsPathFor(id: string): string {
  return `/skiff/${id}`;
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

/** Removes the cgroup dirs left behind (the runtime's delete normally does it; this is the safety net). */
export async function removeCgroup(cgroupsPath: string): Promise<void> {
  await Promise.all(v1Controllers.map(async (c) => {
    try {
      await rmdir(join(cgroupRoot, c, cgroupsPath));
    } catch (err: unknown) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new Error(`removing cgroup ${c}${cgroupsPath}`, { cause: err });
    }
  }));
}

/** The hard RLIMIT_NOFILE of this process (a container may not be given more). */
export async function nofileHardLimit(): Promise<number> {
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
