/**
 * The runtime's library face: one object per engine root, used by the `skiff` container
 * commands and (later) the node agent. Every method re-reads state from disk, so several
 * processes can use the same root at once.
 */
import { rm, stat } from 'node:fs/promises';
import type { ImageProvider } from '../types.js';
import { containerPaths, defaultRunRoot, recordPaths } from './paths.js';
import type { ContainerRecord } from './record.js';
import { listIds, readRecord } from './record.js';
import type { ExecOptions } from './exec.js';
import { createContainer } from './create.js';
import type { CreateOptions } from './create.js';
import { refreshRecord } from './state.js';
import { runDirect, startWithConmon } from './start.js';
import type { DirectRunOptions, StartOptions } from './start.js';
import { ociKill, recordRuntime, runtimeName } from './oci.js';
import type { RuntimeName } from './oci.js';
import { unmountRootfs } from './rootfs.js';
import { cgroupsPathOf, removeCgroup, removeParentIfEmpty } from './cgroup.js';
import { idForName, releaseName } from './names.js';
import { RuntimeError, containerNotFound, isErrno } from './errors.js';
import { normalizeSignal, signalNumber } from './signals.js';

export interface RuntimeOptions {
  /** Image source; defaults to the image store under the same root (loaded lazily). */
  images?: ImageProvider;
  runtime?: RuntimeName;
  /** The cgroup under which containers made from now on get theirs (default `skiff`). */
  cgroupParent?: string;
  /** Where containers made from now on keep their run-time state (default: defaultRunRoot). */
  runRoot?: string;
}

const pollMs = 25;
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ContainerRuntime {
  private imageProvider: ImageProvider | undefined;
  readonly runtimeName: RuntimeName;
  private readonly cgroupParent: string | undefined;
  readonly runRoot: string;

  constructor(readonly root: string, options: RuntimeOptions = {}) {
    this.imageProvider = options.images;
    this.runtimeName = options.runtime ?? runtimeName();
    if (options.cgroupParent !== undefined && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(options.cgroupParent)) {
      throw new RuntimeError('INVALID_ARGUMENT', `invalid cgroup parent "${options.cgroupParent}"`);
    }
    this.cgroupParent = options.cgroupParent;
    this.runRoot = options.runRoot ?? defaultRunRoot(root);
  }

  private async images(): Promise<ImageProvider> {
    if (!this.imageProvider) {
      // Straight to the lean provider, not the image package's index: it loads the whole
      // store (tar, gzip, gc) only when an image is not ready to run (see image/lean.ts).
      const { leanImageProvider } = await import('../image/lean.js');
      this.imageProvider = leanImageProvider(this.root);
    }
    return this.imageProvider;
  }

  /** Full id for an id, a unique id prefix, or a name. */
  async resolve(ref: string): Promise<string> {
    if (/^[0-9a-f]{64}$/.test(ref)) {
      // One stat, not a listing of every container (the agent resolves ids on each sync).
      if (await stat(containerPaths(this.root, ref).dir).then((st) => st.isDirectory(), () => false)) return ref;
      throw containerNotFound(ref);
    }
    const byName = await idForName(this.root, ref);
    if (byName) return byName;
    if (/^[0-9a-f]+$/.test(ref)) {
      const matches = (await listIds(this.root)).filter((id) => id.startsWith(ref));
      if (matches.length === 1) return matches[0]!;
      if (matches.length > 1) throw new RuntimeError('INVALID_ARGUMENT', `more than one result for container "${ref}": ambiguous`);
    }
    throw containerNotFound(ref);
  }

  async create(options: CreateOptions): Promise<ContainerRecord> {
    return createContainer(this.root, await this.images(), options.runtime ?? this.runtimeName, { ...options, runRoot: this.runRoot, ...(this.cgroupParent ? { cgroupParent: this.cgroupParent } : {}) });
  }

  async inspect(ref: string): Promise<ContainerRecord> {
    // A full id needs no resolving: a missing record says the container is not there.
    const id = /^[0-9a-f]{64}$/.test(ref) ? ref : await this.resolve(ref);
    try {
      return await refreshRecord(this.root, id);
    } catch (err: unknown) {
      if (isErrno(err, 'ENOENT')) throw containerNotFound(ref);
      throw err;
    }
  }

  async list(options: { all?: boolean } = {}): Promise<ContainerRecord[]> {
    const records = await Promise.all((await listIds(this.root)).map(async (id) => {
      try {
        return await refreshRecord(this.root, id);
      } catch (err: unknown) {
        // Removed while we listed, or half-created: not a container (yet).
        if (isErrno(err, 'ENOENT')) return undefined;
        throw err;
      }
    }));
    return records
      .filter((r): r is ContainerRecord => r !== undefined && (options.all === true || r.state.status === 'running'))
      .sort((a, b) => b.created.localeCompare(a.created));
  }

  /** Starts under conmon (the container outlives this process). Starting a running one is a no-op. */
  async start(ref: string, options: StartOptions = {}): Promise<ContainerRecord> {
    const record = await this.inspect(ref);
    if (record.state.status === 'running') return record;
    return startWithConmon(this.root, record, options);
  }

  /** Runs in the foreground as this process's child; resolves when it has exited. */
  async runAttached(ref: string, options: DirectRunOptions = {}): Promise<ContainerRecord> {
    const record = await this.inspect(ref);
    if (record.state.status === 'running') throw new RuntimeError('CONTAINER_RUNNING', `container ${record.id} is already running`);
    return runDirect(this.root, record, options);
  }

  async kill(ref: string, signal = 'SIGKILL'): Promise<ContainerRecord> {
    const record = await this.inspect(ref);
    if (record.state.status !== 'running') throw new RuntimeError('CONTAINER_NOT_RUNNING', `can only kill running containers. ${record.id} is in state ${record.state.status}: container state improper`);
    await ociKill(recordRuntime(this.root, record), record.id, normalizeSignal(signal));
    return record;
  }

  /** Waits until the container is no longer running; resolves with its final record. */
  async wait(ref: string, options: { timeoutMs?: number } = {}): Promise<ContainerRecord> {
    const id = await this.resolve(ref);
    const deadline = options.timeoutMs === undefined ? Infinity : Date.now() + options.timeoutMs;
    for (;;) {
      const record = await refreshRecord(this.root, id);
      if (record.state.status !== 'running' || Date.now() >= deadline) return record;
      await delay(pollMs);
    }
  }

  /** StopSignal, then SIGKILL after `timeoutSeconds` (Docker's default 10). */
  async stop(ref: string, options: { timeoutSeconds?: number } = {}): Promise<ContainerRecord> {
    const record = await this.inspect(ref);
    if (record.state.status !== 'running') return record;
    await this.signalIgnoringGone(record, normalizeSignal(record.config.stopSignal || 'SIGTERM'));
    const first = await this.wait(record.id, { timeoutMs: (options.timeoutSeconds ?? 10) * 1000 });
    if (first.state.status !== 'running') return first;
    await this.signalIgnoringGone(record, 'SIGKILL');
    return this.wait(record.id);
  }

  /**
   * Signals the container's init process. A conmon-run container's pid is signalled directly
   * (what `runc kill` does, without a runc process: each costs ~10 ms here). Its exit file
   * is checked just before, so the pid is still the container's: conmon writes that file as
   * soon as it reaps the process, and the kernel hands out pids in sequence, so none is
   * reused in that moment.
   */
  private async signalIgnoringGone(record: ContainerRecord, signal: string): Promise<void> {
    if (record.state.monitor === 'conmon' && record.state.pid > 0) {
      const fresh = await refreshRecord(this.root, record.id);
      if (fresh.state.status !== 'running') return;
      try {
        process.kill(fresh.state.pid, signalNumber(signal));
        return;
      } catch (err: unknown) {
        if (isErrno(err, 'ESRCH')) return;
        // Anything else (EPERM in another user namespace): let the runtime do it.
      }
    }
    try {
      await ociKill(recordRuntime(this.root, record), record.id, signal);
    } catch (err: unknown) {
      // It exited between our look and the signal: that is what we wanted.
      if (!/not running|does not exist|process already finished/i.test(String((err as Error).message))) throw err;
    }
  }

  /** Removes a container; a running one only with `force` (killed first). */
  async remove(ref: string, options: { force?: boolean } = {}): Promise<string> {
    let record = await this.inspect(ref);
    if (record.state.status === 'running') {
      if (!options.force) throw new RuntimeError('CONTAINER_RUNNING', `cannot remove container ${record.id} as it is running - running or paused containers cannot be removed without force: container state improper`);
      await this.signalIgnoringGone(record, 'SIGKILL');
      record = await this.wait(record.id);
    }
    const paths = recordPaths(this.root, record);
    // An exited container was finalized (runtime state deleted) when it was last observed.
    await unmountRootfs(paths.rootfs, record.rootfs);
    await removeCgroup(cgroupsPathOf(record));
    // The last container gone takes the shared parent with it (a concurrent create keeps it).
    await removeParentIfEmpty(record.cgroupParent);
    // Retried: another observer finalizing the run may write its record (temp file + rename)
    // into the folder while it is being removed (ENOTEMPTY).
    await rm(paths.dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
    if (paths.runDir !== paths.dir) await rm(paths.runDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 });
    await releaseName(this.root, record.name, record.id);
    return record.id;
  }

  /** The container's k8s-file (CRI format) log. */
  async logPath(ref: string): Promise<string> {
    const record = await readRecord(this.root, await this.resolve(ref));
    return record.logPath ?? containerPaths(this.root, record.id).log;
  }

  /** Runs a command in the running container; resolves with its exit code. */
  async exec(ref: string, options: ExecOptions): Promise<number> {
    const { execInContainer } = await import('./exec.js');
    return execInContainer(this.root, await this.inspect(ref), options);
  }

  /** Ids of containers (any state) made from an image; the image store asks before deleting. */
  async containersUsingImage(imageId: string): Promise<string[]> {
    return (await this.list({ all: true })).filter((r) => r.imageId === imageId).map((r) => r.id);
  }
}
