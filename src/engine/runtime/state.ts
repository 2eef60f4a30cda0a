/**
 * Observing a container: the record says what we last knew; a running container's truth is
 * its monitor. conmon writes exit/<id> when the process ends; whoever looks first afterwards
 * (ps, inspect, wait, the node agent) finalizes the record: exit code, OOM kill (read from
 * the cgroup before the runtime deletes it), finish time, runtime state deleted, rootfs
 * unmounted. Finalizing twice is harmless.
 */
import { readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { recordPaths, runRootOf, runtimeStateRoot } from './paths.js';
import type { ContainerPaths } from './paths.js';
import type { ContainerRecord } from './record.js';
import { readRecord, writeRecord } from './record.js';
import { cgroupsPathOf, removeCgroup, wasOomKilled } from './cgroup.js';
import { ociDelete, recordRuntime } from './oci.js';
import { unmountRootfs } from './rootfs.js';
import { isErrno } from './errors.js';

/** Exit code recorded when the monitor vanished without writing one. */
const unknownExitCode = 255;

export function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err: unknown) {
    return isErrno(err, 'EPERM');
  }
}

// The exit and pid files are read synchronously, as the record is (record.ts): tiny local
// files read at every look at a running container.
async function readExitFile(path: string): Promise<{ code: number; at: string } | undefined> {
  try {
    const info = statSync(path);
    const text = readFileSync(path, 'utf8');
    const code = Number.parseInt(text.trim(), 10);
    return { code: Number.isFinite(code) ? code : unknownExitCode, at: info.mtime.toISOString() };
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw err;
  }
}

/** conmon's exit file, where this skiff keeps it or where an older one did (exit/<id>). */
async function readExit(paths: ContainerPaths): Promise<{ code: number; at: string } | undefined> {
  return (await readExitFile(paths.exitFile)) ?? (await readExitFile(paths.legacyExitFile));
}

async function readPid(path: string): Promise<number> {
  try {
    return Number.parseInt(readFileSync(path, 'utf8').trim(), 10) || 0;
  } catch (err: unknown) {
    if (isErrno(err, 'ENOENT')) return 0;
    throw err;
  }
}

/**
 * What `runc delete` or `crun delete` does for a container whose process has exited (its state
 * folder, <state root>/<id> for both, and its cgroup), without a runtime process (~10 ms each
 * for runc here). False when it cannot be sure: then the runtime deletes it.
 */
async function deleteExitedDirectly(root: string, record: ContainerRecord): Promise<boolean> {
  if ((record.runtime !== 'runc' && record.runtime !== 'crun') || processAlive(record.state.pid)) return false;
  try {
    await removeCgroup(cgroupsPathOf(record));
    await rm(join(runtimeStateRoot(runRootOf(root, record)), record.id), { recursive: true, force: true });
    return true;
  } catch {
    return false; // a cgroup still busy (processes exiting): runc waits for it
  }
}

/**
 * Records the end of a run and releases what the run held (runtime state, cgroup, mount).
 * `exited`: conmon wrote the exit file (the process is gone, not just its monitor).
 */
export async function finalizeRun(root: string, record: ContainerRecord, exit: { code: number; at: string; oomKilled?: boolean; runtimeStateGone?: boolean; exited?: boolean }): Promise<ContainerRecord> {
  const paths = recordPaths(root, record);
  if (record.state.proxyPid) {
    const { stopPortProxy } = await import('../network/index.js');
    stopPortProxy(record.state.proxyPid);
  }
  const oomKilled = exit.oomKilled ?? (await wasOomKilled(cgroupsPathOf(record)));
  // `runc run` deletes its own state when it returns; a conmon-run container needs a delete.
  if (!exit.runtimeStateGone && !(exit.exited && (await deleteExitedDirectly(root, record)))) await ociDelete(recordRuntime(root, record), record.id);
  await unmountRootfs(paths.rootfs, record.rootfs);
  const done: ContainerRecord = {
    ...record,
    state: { ...record.state, status: 'exited', pid: 0, exitCode: exit.code, oomKilled, finishedAt: exit.at, proxyPid: 0 },
  };
  try {
    await writeRecord(root, done);
  } catch (err: unknown) {
    // Removed (rm -f) while we were finishing the run: nothing left to record.
    if (!isErrno(err, 'ENOENT')) throw err;
  }
  return done;
}

/** Re-reads a container and finalizes it if its process has ended since we last looked. */
export async function refreshRecord(root: string, id: string): Promise<ContainerRecord> {
  const record = await readRecord(root, id);
  if (record.state.status !== 'running') return record;
  const paths = recordPaths(root, record);
  if (record.state.monitor === 'direct') {
    // The skiff process running it in the foreground finalizes it; only if that process is
    // gone and left the record behind do we close it here.
    if (processAlive(record.state.monitorPid ?? 0)) {
      // The runtime writes the container's pid once it is up; show it as soon as it is there.
      return record.state.pid > 0 ? record : { ...record, state: { ...record.state, pid: await readPid(paths.pidFile) } };
    }
    return finalizeRun(root, record, { code: unknownExitCode, at: new Date().toISOString() });
  }
  const exit = await readExit(paths);
  if (exit) return finalizeRun(root, record, { ...exit, exited: true });
  const conmonPid = await readPid(paths.conmonPid);
  if (conmonPid > 0 && processAlive(conmonPid)) return record;
  // The monitor is gone: one last look for its exit file (it may have just been written).
  const late = await readExit(paths);
  return finalizeRun(root, record, late ? { ...late, exited: true } : { code: unknownExitCode, at: new Date().toISOString() });
}
