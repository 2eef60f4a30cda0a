/**
 * Starting a created (or exited) container, two ways:
 *  - under conmon (detached, and the library default): the container outlives us;
 *  - directly under this process (`runc run`, stdio inherited): the fast path for foreground
 *    runs, where the caller waits anyway. The caller records the exit itself.
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { StdioOptions } from 'node:child_process';
import { recordPaths, runRootOf, runtimeStateRoot, socketDir } from './paths.js';
import { startCrunThroughExecFifo, startThroughExecFifo } from './exec-fifo.js';
import type { ContainerRecord } from './record.js';
import { writeRecord } from './record.js';
import { prepareBundle } from './bundle.js';
import { ociDelete, ociStart, recordRuntime } from './oci.js';
import { unmountRootfs } from './rootfs.js';
import { finalizeRun } from './state.js';
import { RuntimeError, isErrno } from './errors.js';
import { signalNumber } from './signals.js';

export interface StartOptions {
  /** Command conmon runs when the container exits; auto-remove containers default to `skiff rm -f`. */
  exitCommand?: { path: string; args: string[] };
  /** False when the caller waits and removes the container itself (foreground `run --rm`). */
  autoRemoveOnExit?: boolean;
}

/** Docker's exit codes for a process that could not be started. */
function startFailureCode(message: string): number {
  if (/permission denied/i.test(message)) return 126;
  if (/not found|no such file/i.test(message)) return 127;
  return 125;
}

async function failStart(root: string, record: ContainerRecord, err: unknown): Promise<never> {
  const message = err instanceof Error ? err.message : String(err);
  const failed = await finalizeRun(root, record, { code: startFailureCode(message), at: new Date().toISOString(), oomKilled: false });
  await writeRecord(root, { ...failed, state: { ...failed.state, error: message } });
  throw new RuntimeError('RUNTIME_FAILED', message, { cause: err });
}

/**
 * `skiff rm -f --root ROOT ID`, for conmon to run when an auto-remove (--rm) container exits:
 * nothing of ours may be running by then.
 */
export function autoRemoveCommand(root: string, id: string): { path: string; args: string[] } {
  const skiffBin = fileURLToPath(new URL('../../../../bin/skiff', import.meta.url));
  return { path: process.execPath, args: [skiffBin, 'rm', '-f', '--root', root, id] };
}

export async function startWithConmon(root: string, record: ContainerRecord, options: StartOptions = {}): Promise<ContainerRecord> {
  const autoRemove = options.autoRemoveOnExit ?? record.hostConfig.autoRemove;
  const exitCommand = options.exitCommand ?? (autoRemove ? autoRemoveCommand(root, record.id) : undefined);
  const runRoot = runRootOf(root, record);
  const rt = recordRuntime(root, record);
  // A previous run's runtime state (left by a crash) would make create fail with "already
  // exists"; a never-started container has none.
  if (record.state.status !== 'created') await ociDelete(rt, record.id);
  await prepareBundle(root, record);
  const paths = recordPaths(root, record);
  let pid: number;
  let proxyPid = 0;
  try {
    const { createUnderConmon } = await import('./monitor.js');
    pid = await createUnderConmon({ id: record.id, name: record.name, paths, runtime: rt, socketDir: socketDir(runRoot), logPath: record.logPath ?? paths.log, ...(exitCommand ? { exitCommand } : {}), ...(record.config.openStdin ? { stdin: true } : {}) });
    // Ports are served before the process runs (its namespace exists once created), so even
    // a short-lived container is reachable from its first instruction, as with Docker.
    if (record.hostConfig.ports.length > 0 && record.hostConfig.network.kind !== 'host') proxyPid = await publishPorts(root, record, pid);
    // The runtime's start is done here, without a runtime process (exec-fifo.ts).
    const startedHere = rt.name === 'runc' ? await startThroughExecFifo(runtimeStateRoot(runRoot), record.id, pid) : await startCrunThroughExecFifo(runtimeStateRoot(runRoot), record.id);
    if (!startedHere) await ociStart(rt, record.id);
  } catch (err: unknown) {
    const withProxy = { ...record, state: { ...record.state, proxyPid } };
    return failStart(root, withProxy, err);
  }
  const running: ContainerRecord = {
    ...record,
    state: { status: 'running', pid, exitCode: 0, oomKilled: false, startedAt: new Date().toISOString(), monitor: 'conmon', ...(proxyPid ? { proxyPid } : {}) },
  };
  try {
    await writeRecord(root, running);
  } catch (err: unknown) {
    // An auto-remove container can run, exit and be removed by its exit command before we
    // get here: it started, and it is gone as it asked.
    if (!(autoRemove && isErrno(err, 'ENOENT'))) throw err;
  }
  return running;
}

/** Serves `-p` ports: host listeners forwarding into the container's network namespace. */
async function publishPorts(root: string, record: ContainerRecord, pid: number): Promise<number> {
  const { startPortProxy } = await import('../network/index.js');
  const network = record.hostConfig.network;
  const netns = network.kind === 'path' ? network.path : `/proc/${pid}/ns/net`;
  const udp = record.hostConfig.ports.find((p) => p.protocol !== 'tcp');
  if (udp) throw new RuntimeError('INVALID_ARGUMENT', `publishing ${udp.protocol} ports is not supported`);
  return startPortProxy(netns, `${recordPaths(root, record).runDir}/ports.sock`, record.hostConfig.ports);
}

export interface DirectRunOptions {
  stdio?: StdioOptions;
  /** Called with the runtime's child once it is spawned (to forward signals). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

/**
 * Runs the container with `<runtime> run` as our child and waits for it. The runtime exits
 * with the container's code (128+N for a signal). Returns the finalized record.
 */
export async function runDirect(root: string, record: ContainerRecord, options: DirectRunOptions = {}): Promise<ContainerRecord> {
  if (record.hostConfig.ports.length > 0 && record.hostConfig.network.kind !== 'host') {
    throw new RuntimeError('INVALID_ARGUMENT', 'published ports (-p) need a container started under the monitor: use -d, or drop -i/-t/--rm');
  }
  const rt = recordRuntime(root, record);
  await prepareBundle(root, record);
  const paths = recordPaths(root, record);
  await rm(paths.pidFile, { force: true });
  const running: ContainerRecord = {
    ...record,
    state: { status: 'running', pid: 0, exitCode: 0, oomKilled: false, startedAt: new Date().toISOString(), monitor: 'direct', monitorPid: process.pid },
  };
  await writeRecord(root, running);
  let stderrText = '';
  // A container that stays after it exits keeps its cgroup until finalized, so an OOM kill
  // can be read from it; an auto-removed one lets the runtime clean up at once (fast path).
  const keep = !record.hostConfig.autoRemove;
  const code = await new Promise<number>((resolve, reject) => {
    // stderr comes through us so a failure of the runtime itself (exec not found) can be told
    // apart from the container's own exit code; with a tty the container writes to the pty.
    const child = spawn(rt.path, [...rt.globalArgs, 'run', ...(keep ? ['--keep'] : []), '--pid-file', paths.pidFile, '--bundle', paths.runDir, record.id], { stdio: options.stdio ?? ['inherit', 'inherit', 'pipe'] });
    child.stderr?.on('data', (d: Buffer) => {
      // Keep only the tail: it is where the runtime's own error is.
      stderrText = (stderrText + d.toString()).slice(-4096);
      process.stderr.write(d);
    });
    options.onSpawn?.(child);
    child.on('error', reject);
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 128 + signalNumber(signal) : 255)));
  }).catch(async (err: unknown) => {
    await unmountRootfs(paths.rootfs, record.rootfs);
    throw err;
  });
  // runc prints its own failure (exec not found...) on stderr and exits non-zero before the
  // container ran; keep the message for inspect.
  const runtimeFailed = code !== 0 && /unable to start container process|runc run failed|crun: /.test(stderrText);
  const exitCode = runtimeFailed ? startFailureCode(stderrText) : code;
  const done = await finalizeRun(root, running, { code: exitCode, at: new Date().toISOString(), ...(keep ? {} : { oomKilled: false, runtimeStateGone: true }) });
  if (runtimeFailed) {
    const withError = { ...done, state: { ...done.state, error: stderrText.trim() } };
    await writeRecord(root, withError);
    return withError;
  }
  return done;
}
