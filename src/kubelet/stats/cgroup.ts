/**
 * Reads a process's cgroup figures: CPU usage and memory working set, from the cgroup v1
 * cpuacct and memory controllers when the process is in them, else from its cgroup v2
 * (unified) group. The process's own /proc/PID/cgroup says where its groups are, so this
 * follows whatever path the OCI runtime chose.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupSample } from './types.js';

export const cgroupRoot = '/sys/fs/cgroup';

/** Controller name (or '' for the v2 unified hierarchy) -> path inside that hierarchy. */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const controllers = m[1] ?? '';
    const path = m[2] ?? '/';
    if (controllers === '') out.set('', path);
    else for (const c of controllers.split(',')) out.set(c, path);
  }
  return out;
}

/** A key's value in a flat-keyed cgroup file (memory.stat, cpu.stat). */
export function statValue(text: string, key: string): number | undefined {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

/** usage minus inactive file pages, never below zero (cAdvisor's working set). */
export function workingSet(usage: number, inactiveFile: number | undefined): number {
  return Math.max(0, usage - (inactiveFile ?? 0));
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err: unknown) {
    // The container may exit (and its cgroup go) between listing and reading.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH' || code === 'ENODEV') return undefined;
    throw err;
  }
}

/** v1: cpuacct.usage (ns); memory.usage_in_bytes minus total_inactive_file. */
export async function readV1(cpuacctDir: string, memoryDir: string): Promise<CgroupSample | undefined> {
  const [cpu, usage, stat] = await Promise.all([
    readText(join(cpuacctDir, 'cpuacct.usage')), readText(join(memoryDir, 'memory.usage_in_bytes')), readText(join(memoryDir, 'memory.stat')),
  ]);
  if (cpu === undefined || usage === undefined) return undefined;
  return { cpuUsageNanos: Number(cpu.trim()), memoryWorkingSetBytes: workingSet(Number(usage.trim()), stat === undefined ? undefined : statValue(stat, 'total_inactive_file')) };
}

/** v2: cpu.stat usage_usec; memory.current minus inactive_file. */
export async function readV2(dir: string): Promise<CgroupSample | undefined> {
  const [cpu, current, stat] = await Promise.all([readText(join(dir, 'cpu.stat')), readText(join(dir, 'memory.current')), readText(join(dir, 'memory.stat'))]);
  const usec = cpu === undefined ? undefined : statValue(cpu, 'usage_usec');
  if (usec === undefined || current === undefined) return undefined;
  return { cpuUsageNanos: usec * 1000, memoryWorkingSetBytes: workingSet(Number(current.trim()), stat === undefined ? undefined : statValue(stat, 'inactive_file')) };
}

/** Where the v2 hierarchy is mounted: the root itself on a pure v2 host, `unified` on a hybrid one. */
async function unifiedMount(root: string): Promise<string> {
  return (await readText(join(root, 'cgroup.controllers'))) !== undefined ? root : join(root, 'unified');
}

/** The figures of the cgroups process `pid` is in; undefined when it is gone. */
export async function sampleProcess(pid: number, root = cgroupRoot): Promise<CgroupSample | undefined> {
  const text = await readText(`/proc/${pid}/cgroup`);
  if (text === undefined) return undefined;
  const groups = parseProcCgroup(text);
  const cpuacct = groups.get('cpuacct');
  const memory = groups.get('memory');
  if (cpuacct !== undefined && memory !== undefined) {
    // cpu and cpuacct may be co-mounted as cpu,cpuacct; the plain name is a symlink then.
    return readV1(join(root, 'cpuacct', cpuacct), join(root, 'memory', memory));
  }
  const unified = groups.get('');
  return unified === undefined ? undefined : readV2(join(await unifiedMount(root), unified));
}
