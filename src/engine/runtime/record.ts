/**
 * The container record (containers/<id>/container.json): what was asked for at create time
 * and the last state observed. Every process that looks at a container re-reads it; writes
 * are atomic (temp file + rename) so a reader never sees half a record.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { RootfsSpec } from '../types.js';
import type { NetworkMode } from '../network/index.js';
import { containerPaths, containersDir } from './paths.js';
import type { SeccompProfile } from './seccomp.js';

export type ContainerStatus = 'created' | 'running' | 'exited';

export interface ContainerState {
  status: ContainerStatus;
  pid: number;
  exitCode: number;
  oomKilled: boolean;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  /** How the running process is watched: conmon (survives us) or the skiff process itself. */
  monitor?: 'conmon' | 'direct';
  /** The process that watches the container: conmon, or the foreground skiff process. */
  monitorPid?: number;
  /** The port publisher's pid (process group) while published ports are served. */
  proxyPid?: number;
}

export interface VolumeMount {
  source: string;
  destination: string;
  readOnly: boolean;
}

/**
 * Security settings beyond Docker's defaults (the node agent's pod securityContext): every
 * field is optional and absent means the engine's default.
 */
export interface ContainerSecurity {
  /** The process's capabilities (CAP_ names) in every set; default Docker's set. */
  capabilities?: string[];
  /** The rootfs mounted read-only (writes fail with EROFS). */
  readOnlyRootfs?: boolean;
  /** no_new_privs for the process; default false, as Docker and podman have it. */
  noNewPrivileges?: boolean;
  /** Supplementary groups added to the user's own (Kubernetes fsGroup, supplementalGroups). */
  extraGids?: number[];
  /** No seccomp filter, no masked or read-only /proc paths, every device allowed, /sys writable. */
  privileged?: boolean;
  /**
   * The seccomp filter: the runtime's default profile when undefined (as `docker run`),
   * none with 'unconfined', or the given OCI profile. Privileged containers get none anyway.
   */
  seccomp?: 'unconfined' | SeccompProfile;
}

export interface PortMapping {
  hostIp: string;
  hostPort: number;
  containerPort: number;
  protocol: 'tcp' | 'udp';
}

export interface ContainerConfig {
  /** The final process: entrypoint + cmd after flags were applied. */
  args: string[];
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
  user: string;
  hostname: string;
  tty: boolean;
  openStdin: boolean;
  stopSignal: string;
  labels: Record<string, string>;
}

export interface HostConfig {
  /** Bytes; 0 = unlimited. */
  memory: number;
  /** CPUs (0.5 = half a CPU); 0 = unlimited. */
  cpus: number;
  /** cpu.shares, the CPU weight against other containers (Docker's --cpu-shares); unset = 1024. */
  cpuShares?: number;
  /** The process's oom_score_adj (-1000..1000, Docker's --oom-score-adj); unset = inherited. */
  oomScoreAdj?: number;
  network: NetworkMode;
  mounts: VolumeMount[];
  ports: PortMapping[];
  autoRemove: boolean;
  security?: ContainerSecurity;
}

export interface ContainerRecord {
  id: string;
  name: string;
  /** The image as the user named it. */
  image: string;
  imageId: string;
  created: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  rootfs: RootfsSpec;
  /** `shortLowerDirs` of the prepared image, when the store gave them (deep images). */
  shortLowerDirs?: { cwd: string; dirs: string[] };
  runtime: string;
  /** Where its run-time state lives (paths.ts), when apart from the engine root. */
  runRoot?: string;
  /** The parent cgroup of the container's own (absent: `skiff`). */
  cgroupParent?: string;
  /** Where conmon writes the k8s-file (CRI) log; containers/<id>/ctr.log unless the creator chose. */
  logPath?: string;
  state: ContainerState;
}

/**
 * The runtime's small local files (this record, the bundle's config.json and /etc files, the
 * exit and pid files, names, rootfs and monitor folders) are read and written synchronously:
 * every look at a container reads the record (the node agent: each pod's sync, every
 * second), and a pod burst starts a hundred containers. Measured here, fs.promises.readFile
 * costs ~170 µs of the event loop's CPU (open, fstat, read, close: four trips to the thread
 * pool) against ~10 µs for readFileSync, and writeFile ~370 µs against ~200 µs (most of it
 * the file system's own work, which is the same either way); an existing folder's mkdir ~48
 * µs against ~5 µs.
 */
export async function readRecord(root: string, id: string): Promise<ContainerRecord> {
  return JSON.parse(readFileSync(containerPaths(root, id).record, 'utf8')) as ContainerRecord;
}

export async function writeRecord(root: string, record: ContainerRecord): Promise<void> {
  const path = containerPaths(root, record.id).record;
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, JSON.stringify(record, null, 1));
  renameSync(temp, path);
}

/** Every container id under the root (folders that hold a record). */
export async function listIds(root: string): Promise<string[]> {
  try {
    const entries = await readdir(containersDir(root));
    return entries.filter((e) => /^[0-9a-f]{64}$/.test(e));
  } catch (err: unknown) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
