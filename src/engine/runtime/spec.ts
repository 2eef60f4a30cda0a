/**
 * The OCI runtime spec (config.json) for a container, as Docker's defaults shape it:
 * Docker's capability set, a default seccomp profile, masked and read-only
 * /proc and /sys paths, the usual pseudo-filesystems, and /etc/hosts, /etc/hostname and
 * /etc/resolv.conf bind-mounted from the container folder. Pure: no I/O here.
 */
import type { NetworkMode } from '../network/index.js';
import { networkNamespace } from '../network/index.js';
import type { ContainerSecurity, VolumeMount } from './record.js';
import { defaultSeccompProfile } from './seccomp.js';
import type { SeccompProfile } from './seccomp.js';

export const defaultCapabilities = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

export const maskedPaths = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];

export const readonlyPaths = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** CFS period Docker uses for --cpus. */
export const cpuPeriodMicros = 100_000;

export interface SpecInput {
  rootfsPath: string;
  args: readonly string[];
  env: readonly string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: readonly number[];
  hostname: string;
  tty: boolean;
  network: NetworkMode;
  volumes: readonly VolumeMount[];
  etcFiles: { hosts: string; hostname: string; resolvConf: string };
  /** Bytes, 0 = none. Swap is held at the same value (no swap), as Docker does for --memory alone. */
  memory: number;
  cpus: number;
  /** cpu.shares; unset = the kernel's 1024. */
  cpuShares?: number;
  /** process.oomScoreAdj; unset = the runtime's own value, inherited. */
  oomScoreAdj?: number;
  /** The caller's hard RLIMIT_NOFILE: a container may not ask for more (runc fails with EPERM). */
  nofileHardLimit: number;
  cgroupsPath: string;
  /** The rootfs mounted by the OCI runtime itself (over "/", first of all mounts). */
  rootMount?: OciMount;
  security?: ContainerSecurity;
}

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

export interface OciSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: Record<'bounding' | 'effective' | 'permitted', string[]>;
    rlimits: { type: string; hard: number; soft: number }[];
    noNewPrivileges: boolean;
    oomScoreAdj?: number;
  };
  root: { path: string; readonly: boolean };
  hostname?: string;
  mounts: OciMount[];
  linux: {
    namespaces: { type: string; path?: string }[];
    cgroupsPath: string;
    resources: {
      devices: { allow: boolean; access: string }[];
      memory?: { limit: number; swap: number; swappiness?: number };
      cpu?: { quota?: number; period?: number; shares?: number };
    };
    seccomp?: SeccompProfile;
    maskedPaths: string[];
    readonlyPaths: string[];
  };
}

/** Podman's default nofile, capped at what this process may grant. */
const wantedNofile = 1_048_576;

function systemMounts(privileged: boolean): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    // Privileged: the host's device nodes (as containerd adds every host device).
    privileged
      ? { destination: '/dev', type: 'bind', source: '/dev', options: ['rbind', 'rw', 'rprivate', 'nosuid'] }
      : { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'] },
  ];
}

function bind(source: string, destination: string, readOnly: boolean): OciMount {
  return { destination, type: 'bind', source, options: ['rbind', readOnly ? 'ro' : 'rw', 'rprivate'] };
}

export function buildSpec(input: SpecInput): OciSpec {
  const nofile = Math.min(wantedNofile, input.nofileHardLimit);
  const namespaces: { type: string; path?: string }[] = [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
  const net = networkNamespace(input.network);
  if (net) namespaces.push(net);
  const user: OciSpec['process']['user'] = { uid: input.uid, gid: input.gid };
  if (input.additionalGids.length > 0) user.additionalGids = [...input.additionalGids];

  const security = input.security ?? {};
  const privileged = security.privileged === true;
  const caps = security.capabilities ?? defaultCapabilities;
  const resources: OciSpec['linux']['resources'] = { devices: [{ allow: privileged, access: 'rwm' }] };
  if (input.memory > 0) resources.memory = { limit: input.memory, swap: input.memory, swappiness: 0 };
  if (input.cpus > 0) resources.cpu = { quota: Math.round(input.cpus * cpuPeriodMicros), period: cpuPeriodMicros };
  if (input.cpuShares !== undefined) resources.cpu = { ...resources.cpu, shares: input.cpuShares };

  const etc = [
    bind(input.etcFiles.hosts, '/etc/hosts', false),
    bind(input.etcFiles.hostname, '/etc/hostname', false),
    bind(input.etcFiles.resolvConf, '/etc/resolv.conf', false),
  ];
  const volumes = input.volumes.map((v) => bind(v.source, v.destination, v.readOnly));
  // A volume over /etc/hosts (etc.) wins, as in Docker: drop our default for that path.
  const volumeTargets = new Set(volumes.map((v) => v.destination));

  const spec: OciSpec = {
    ociVersion: '1.0.2',
    process: {
      terminal: input.tty,
      user,
      args: [...input.args],
      env: [...input.env],
      cwd: input.cwd,
      capabilities: { bounding: [...caps], effective: [...caps], permitted: [...caps] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: nofile, soft: nofile }],
      // Off unless asked (--security-opt no-new-privileges), as Docker and podman: setuid programs work.
      noNewPrivileges: security.noNewPrivileges ?? false,
      ...(input.oomScoreAdj !== undefined ? { oomScoreAdj: input.oomScoreAdj } : {}),
    },
    root: { path: input.rootfsPath, readonly: security.readOnlyRootfs === true },
    hostname: input.hostname,
    mounts: [...(input.rootMount ? [input.rootMount] : []), ...systemMounts(privileged), ...etc.filter((m) => !volumeTargets.has(m.destination)), ...volumes],
    linux: {
      namespaces,
      cgroupsPath: input.cgroupsPath,
      resources,
      maskedPaths: privileged ? [] : [...maskedPaths],
      readonlyPaths: privileged ? [] : [...readonlyPaths],
    },
  };
  // Privileged: no seccomp filter at all (unconfined), whatever was asked.
  if (!privileged && security.seccomp !== 'unconfined') spec.linux.seccomp = security.seccomp ?? defaultSeccompProfile();
  return spec;
}
