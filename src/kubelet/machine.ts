/** Facts about the machine the agent runs on: capacity, addresses, identity, pressure. */
import { readFileSync, statfsSync } from 'node:fs';
import { cpus, hostname, networkInterfaces, release, totalmem } from 'node:os';
import { bridgeName } from './cni.js';
import { vxlanDevice } from './routes-vxlan.js';

export interface MachineFacts {
  cpus: number;
  memoryBytes: number;
  ephemeralStorageBytes: number;
  maxPods: number;
  machineID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
}

function readTrimmed(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err: unknown) {
    // Not every machine has every identity file; the Node shows an empty field then.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

function osPrettyName(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readTrimmed('/etc/os-release'));
  return m?.[1] ?? 'Linux';
}

export function machineFacts(storageDir: string, maxPods = 110): MachineFacts {
  const fs = statfsSync(storageDir);
  return {
    cpus: cpus().length,
    memoryBytes: totalmem(),
    ephemeralStorageBytes: Number(fs.blocks) * Number(fs.bsize),
    maxPods,
    machineID: readTrimmed('/etc/machine-id'),
    bootID: readTrimmed('/proc/sys/kernel/random/boot_id'),
    kernelVersion: release(),
    osImage: osPrettyName(),
  };
}

export function defaultNodeName(): string {
  return hostname().toLowerCase();
}

/** The pod network's own devices: the CNI bridge and the VXLAN device. */
const podNetworkDevices = new Set([bridgeName, vxlanDevice]);

/**
 * The first non-internal IPv4 address of this namespace that is not the pod network's own
 * (whatever the cluster CIDR), else 127.0.0.1.
 */
export function primaryAddress(): string {
  for (const [name, list] of Object.entries(networkInterfaces())) {
    if (podNetworkDevices.has(name)) continue;
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

/** Pressure as the kubelet's default hard eviction thresholds see it. */
export function pressure(storageDir: string): { memory: boolean; disk: boolean; pid: boolean } {
  const fs = statfsSync(storageDir);
  const diskFree = Number(fs.bavail) / Math.max(1, Number(fs.blocks));
  const pidMax = Number(readTrimmed('/proc/sys/kernel/pid_max')) || 32768;
  const loadavg = readTrimmed('/proc/loadavg').split(' ')[3] ?? '0/0';
  const threads = Number(loadavg.split('/')[1]) || 0;
  const available = /^MemAvailable:\s+(\d+) kB$/m.exec(readTrimmed('/proc/meminfo'));
  const availableBytes = available ? Number(available[1]) * 1024 : totalmem();
  return { memory: availableBytes < 100 * 1024 * 1024, disk: diskFree < 0.1, pid: threads > pidMax * 0.9 };
}
