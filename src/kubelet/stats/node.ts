/**
 * The machine's figures from /proc: CPU time from the first line of /proc/stat (everything
 * but idle and iowait), memory in use as MemTotal minus MemAvailable from /proc/meminfo.
 */
import { readFile } from 'node:fs/promises';
import type { CgroupSample } from './types.js';

/** Linux reports /proc/stat in USER_HZ ticks, 100 per second on every architecture we run on. */
const nanosPerTick = 1e9 / 100;

/** Busy CPU time since boot, in nanoseconds, from /proc/stat's aggregate `cpu` line. */
export function parseProcStat(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no aggregate cpu line');
  // user nice system idle iowait irq softirq steal (guest time is already in user).
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  return (user + nice + system + irq + softirq + steal) * nanosPerTick;
}

/** Bytes in use: MemTotal - MemAvailable. */
export function parseMeminfo(text: string): number {
  const kib = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (!m) throw new Error(`/proc/meminfo has no ${key}`);
    return Number(m[1]) * 1024;
  };
  return Math.max(0, kib('MemTotal') - kib('MemAvailable'));
}

export async function sampleNode(): Promise<CgroupSample> {
  const [stat, meminfo] = await Promise.all([readFile('/proc/stat', 'utf8'), readFile('/proc/meminfo', 'utf8')]);
  return { cpuUsageNanos: parseProcStat(stat), memoryWorkingSetBytes: parseMeminfo(meminfo) };
}
