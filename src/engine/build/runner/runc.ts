/**
 * Running one RUN step in a container with runc: an OCI bundle whose root is the mounted
 * overlay, no network (a fresh, empty network namespace), Docker's default capabilities, the
 * stage's environment, working directory and user. Output lines stream to the caller; the
 * result is the exit code. `runc run` removes the container when the process exits.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface RunProcessSpec {
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids: readonly number[];
  /** Extra OCI mounts (heredoc scripts, RUN --mount). */
  readonly mounts?: readonly OciMount[];
}

export interface OciMount {
  readonly destination: string;
  readonly type: string;
  readonly source: string;
  readonly options: readonly string[];
}

const CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

function ociConfig(spec: RunProcessSpec, hostname: string): object {
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: spec.uid, gid: spec.gid, additionalGids: [...spec.additionalGids] },
      args: [...spec.args],
      env: [...spec.env],
      cwd: spec.cwd,
      capabilities: { bounding: CAPABILITIES, effective: CAPABILITIES, permitted: CAPABILITIES },
      noNewPrivileges: false,
    },
    root: { path: 'rootfs', readonly: false },
    hostname,
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      ...(spec.mounts ?? []),
    ],
    linux: {
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'network' }],
      maskedPaths: ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
        '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

/**
 * One shell does mount, `runc run` and umount, so a step costs one process start from Node
 * instead of three (starting a process from a large Node process is what a step mostly costs).
 */
const STEP_SCRIPT = [
  'mount -t overlay overlay -o "$1" rootfs || { echo "$2" >&2; exit 1; }',
  'runc run --bundle . "$3"',
  'rc=$?',
  'umount rootfs || echo "$4" >&2',
  'exit $rc',
].join('\n');

export class StepMountError extends Error {}

/**
 * Mounts the overlay (`<dir>/rootfs` from prepareOverlay's options), runs the process in a
 * container, and unmounts. Resolves with the exit code (128+n when killed by signal n).
 */
export async function runStep(dir: string, overlayOptions: string, spec: RunProcessSpec, onLine: (line: string) => void, signal?: AbortSignal): Promise<number> {
  const mountFailed = `skiff-build: mount failed ${randomBytes(4).toString('hex')}`;
  const unmountFailed = `skiff-build: umount failed ${randomBytes(4).toString('hex')}`;
  const mountErrors: string[] = [];
  let mountFailure = false;
  const code = await runInBundle(dir, spec, (line) => {
    if (line === mountFailed) mountFailure = true;
    else if (line === unmountFailed) mountErrors.push(line);
    else if (mountFailure) mountErrors.push(line);
    else onLine(line);
  }, signal, (id) => ['sh', '-c', STEP_SCRIPT, 'sh', overlayOptions, mountFailed, id, unmountFailed]);
  if (mountFailure) throw new StepMountError(`mounting the step's root filesystem failed: ${mountErrors.join('; ')}`);
  return code;
}

/**
 * Runs the process in a container whose bundle is `bundleDir` (rootfs already mounted at
 * `<bundleDir>/rootfs`). Resolves with the exit code (128+n when killed by signal n).
 */
export async function runInBundle(
  bundleDir: string, spec: RunProcessSpec, onLine: (line: string) => void, signal?: AbortSignal,
  /** The command to start, given the container id (default: `runc run`). */
  command?: (id: string) => readonly string[],
): Promise<number> {
  const id = `skiff-build-${randomBytes(6).toString('hex')}`;
  await writeFile(join(bundleDir, 'config.json'), JSON.stringify(ociConfig(spec, id.slice(0, 24))));
  signal?.throwIfAborted();
  const argv = command ? command(id) : ['runc', 'run', '--bundle', bundleDir, id];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], cwd: bundleDir });
  // Cancelling kills the container's processes; `runc run` then exits and deletes the container.
  const onAbort = (): void => {
    const killer = spawn('runc', ['kill', '--all', id, 'KILL'], { stdio: 'ignore' });
    killer.on('error', () => child.kill('SIGKILL'));
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const lines = (stream: NodeJS.ReadableStream): Promise<void> => new Promise((resolve) => {
    const rl = createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', onLine);
    rl.on('close', resolve);
  });
  const [code] = await Promise.all([
    new Promise<number>((resolve, reject) => {
      child.on('error', (err) => reject(new Error(`starting runc: ${err.message}`, { cause: err })));
      child.on('close', (status, signal) => resolve(status ?? (signal ? 128 : 1)));
    }),
    lines(child.stdout),
    lines(child.stderr),
  ]).finally(() => signal?.removeEventListener('abort', onAbort));
  return code;
}
