/**
 * How containers are shown: `inspect` JSON (podman's field names) and `ps` rows (Docker's
 * columns and human statuses).
 */
import { formatNetworkMode } from '../network/index.js';
import { recordPaths } from './paths.js';
import type { ContainerRecord } from './record.js';
import { shortContainerId } from './names.js';

const zeroTime = '0001-01-01T00:00:00Z';

export function inspectView(root: string, r: ContainerRecord): Record<string, unknown> {
  const paths = recordPaths(root, r);
  const s = r.state;
  return {
    Id: r.id,
    Created: r.created,
    Path: r.config.args[0] ?? '',
    Args: r.config.args.slice(1),
    State: {
      Status: s.status,
      Running: s.status === 'running',
      Paused: false,
      Restarting: false,
      OOMKilled: s.oomKilled,
      Dead: false,
      Pid: s.pid,
      ExitCode: s.exitCode,
      Error: s.error ?? '',
      StartedAt: s.startedAt ?? zeroTime,
      FinishedAt: s.finishedAt ?? zeroTime,
    },
    Image: r.imageId,
    ImageName: r.image,
    Rootfs: '',
    ResolvConfPath: paths.resolvConf,
    HostnamePath: paths.hostname,
    HostsPath: paths.hosts,
    LogPath: r.logPath ?? paths.log,
    Name: r.name,
    Driver: 'overlay',
    OCIRuntime: r.runtime,
    MountLabel: '',
    Mounts: r.hostConfig.mounts.map((m) => ({ Type: 'bind', Source: m.source, Destination: m.destination, Mode: '', RW: !m.readOnly, Propagation: 'rprivate' })),
    Config: {
      Hostname: r.config.hostname,
      User: r.config.user,
      Env: r.config.env,
      Cmd: r.config.cmd,
      Entrypoint: r.config.entrypoint,
      Image: r.image,
      WorkingDir: r.config.workingDir,
      Labels: r.config.labels,
      StopSignal: r.config.stopSignal,
      Tty: r.config.tty,
      OpenStdin: r.config.openStdin,
    },
    HostConfig: {
      Memory: r.hostConfig.memory,
      MemorySwap: r.hostConfig.memory,
      NanoCpus: Math.round(r.hostConfig.cpus * 1e9),
      NetworkMode: formatNetworkMode(r.hostConfig.network),
      AutoRemove: r.hostConfig.autoRemove,
      Binds: r.hostConfig.mounts.map((m) => `${m.source}:${m.destination}${m.readOnly ? ':ro' : ''}`),
      PortBindings: Object.fromEntries(r.hostConfig.ports.map((p) => [`${p.containerPort}/${p.protocol}`, [{ HostIp: p.hostIp, HostPort: String(p.hostPort) }]])),
    },
    GraphDriver: { Name: 'overlay', Data: { LowerDir: r.rootfs.lowerDirs.join(':'), UpperDir: r.rootfs.upperDir, WorkDir: r.rootfs.workDir, MergedDir: paths.rootfs } },
  };
}

/** Docker's duration words (`3 seconds`, `About a minute`, `2 hours`). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(seconds / 3600);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(hours / 24 / 365)} years`;
}

export function statusText(r: ContainerRecord, now: number = Date.now()): string {
  const s = r.state;
  if (s.status === 'running') return `Up ${humanDuration(now - Date.parse(s.startedAt ?? r.created))}`;
  if (s.status === 'exited') return `Exited (${s.exitCode}) ${humanDuration(now - Date.parse(s.finishedAt ?? r.created))} ago`;
  return 'Created';
}

function quoteCommand(args: readonly string[]): string {
  const text = args.join(' ');
  const cut = text.length > 20 ? `${text.slice(0, 19)}…` : text;
  return `"${cut}"`;
}

export function portsText(r: ContainerRecord): string {
  return r.hostConfig.ports.map((p) => `${p.hostIp || '0.0.0.0'}:${p.hostPort}->${p.containerPort}/${p.protocol}`).join(', ');
}

export function psRow(r: ContainerRecord, now: number = Date.now()): string[] {
  return [
    shortContainerId(r.id),
    r.image,
    quoteCommand(r.config.args),
    `${humanDuration(now - Date.parse(r.created))} ago`,
    statusText(r, now),
    portsText(r),
    r.name,
  ];
}

export const psHeader = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'];
