/**
 * Where the runtime keeps each container under the engine root (see ../types.ts):
 *   containers/<id>/container.json  our record (config, state)
 *   containers/<id>/config.json     the OCI bundle's spec (the folder is the bundle)
 *   containers/<id>/rootfs          overlay mount point when mounted on the host (crun, or what
 *                                   the layers alone cannot answer; in the run folder when the
 *                                   container has a run root); upper/ and work/ beside it
 *   rootfs-mountpoint               the shared, empty root path of runc containers that mount
 *                                   their overlay themselves
 *   containers/<id>/ctr.log         k8s-file log written by conmon
 *   containers/<id>/persist/<id>    exit code written by conmon (its exit dir is the persist dir:
 *                                   one folder less per container; exit/<id> before)
 *   containers/<id>/hosts|hostname|resolv.conf  bind-mounted into the container
 *   names/<name>                    the id owning a name (created exclusively: names are unique)
 *   runc/                           the OCI runtime's state root (kept apart from other users)
 *
 * A container made with a run root apart from the engine root (podman's "runroot"; for the
 * default engine root it is /run/skiff/engine) keeps what lives only as long as its run
 * there: the bundle (config.json, hosts, hostname, resolv.conf), the pid and exit files,
 * conmon's fifos and a host rootfs mount point in <run root>/containers/<id>/, the OCI runtime's state in <run root>/runc/
 * and the attach sockets in <run root>/sock/. /run is a tmpfs on a normal machine, so a pod
 * start's dozen small files and their removal never reach a disk file system; on ext4 without
 * a journal (these VMs) every new inode is checked against the recently deleted ones, which
 * a pod burst makes costly. The record, the writable layer and the log stay in the engine root.
 * The record names its run root, so any skiff process finds the container's state.
 */
import { join } from 'node:path';

export interface ContainerPaths {
  /** The record's folder, in the engine root. */
  readonly dir: string;
  /** The OCI bundle (config.json, /etc files, pid and exit files): dir, or under the run root. */
  readonly runDir: string;
  readonly record: string;
  readonly spec: string;
  readonly rootfs: string;
  readonly upper: string;
  readonly work: string;
  readonly log: string;
  readonly exitDir: string;
  readonly exitFile: string;
  /** Where conmon wrote the exit code for containers started by an older skiff (exit/<id>). */
  readonly legacyExitFile: string;
  readonly persistDir: string;
  readonly conmonPid: string;
  readonly pidFile: string;
  readonly hosts: string;
  readonly hostname: string;
  readonly resolvConf: string;
}

export function containersDir(root: string): string {
  return join(root, 'containers');
}

export function namesDir(root: string): string {
  return join(root, 'names');
}

/** The OCI runtime's state root under a run root. */
export function runtimeStateRoot(runRoot: string): string {
  return join(runRoot, 'runc');
}

/** Where a container's run-time state lives: the run root its record names, else the engine root. */
export function runRootOf(root: string, record: { readonly runRoot?: string }): string {
  return record.runRoot ?? root;
}

/** The default engine root's run root, as podman's /run/containers beside /var/lib/containers. */
const defaultRoots: Readonly<Record<string, string>> = { '/var/lib/skiff/engine': '/run/skiff/engine' };

/**
 * The run root for containers made from now on: SKIFF_RUN_ROOT, else /run/skiff/engine for the
 * default engine root, else the engine root itself (a root of one's own, e.g. a test's, keeps
 * everything in one folder).
 */
export function defaultRunRoot(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = env.SKIFF_RUN_ROOT;
  if (chosen && chosen !== '') return chosen;
  return defaultRoots[root] ?? root;
}

/**
 * The root path in the spec of every container whose overlay the OCI runtime mounts itself
 * (bundle.ts): it mounts over it inside the container's own mount namespace, so the folder
 * stays empty here and is shared.
 */
export function sharedMountPoint(root: string): string {
  return join(root, 'rootfs-mountpoint');
}

/** Conmon's attach sockets; kept short because unix socket paths are limited to 108 bytes. */
export function socketDir(runRoot: string): string {
  return join(runRoot, 'sock');
}

/**
 * Paths asked for lately: every look at a container asks (the node agent: each pod's sync),
 * and the seventeen path joins cost more than the look's own file reads.
 */
const recent = new Map<string, ContainerPaths>();

/** A container's paths; `runRoot` as its record names it (runRootOf), the engine root by default. */
export function containerPaths(root: string, id: string, runRoot: string = root): ContainerPaths {
  const key = `${root}\0${id}\0${runRoot}`;
  const known = recent.get(key);
  if (known) return known;
  const paths = Object.freeze(joinPaths(root, id, runRoot));
  if (recent.size >= 1024) recent.delete(recent.keys().next().value ?? '');
  recent.set(key, paths);
  return paths;
}

function joinPaths(root: string, id: string, runRoot: string): ContainerPaths {
  const dir = join(containersDir(root), id);
  const runDir = runRoot === root ? dir : join(containersDir(runRoot), id);
  return {
    dir,
    runDir,
    record: join(dir, 'container.json'),
    spec: join(runDir, 'config.json'),
    rootfs: join(runDir, 'rootfs'),
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    log: join(dir, 'ctr.log'),
    exitDir: join(runDir, 'persist'),
    exitFile: join(runDir, 'persist', id),
    legacyExitFile: join(dir, 'exit', id),
    persistDir: join(runDir, 'persist'),
    conmonPid: join(runDir, 'conmon.pid'),
    pidFile: join(runDir, 'pid'),
    hosts: join(runDir, 'hosts'),
    hostname: join(runDir, 'hostname'),
    resolvConf: join(runDir, 'resolv.conf'),
  };
}

/** The paths of a recorded container, its run root included. */
export function recordPaths(root: string, record: { readonly id: string; readonly runRoot?: string }): ContainerPaths {
  return containerPaths(root, record.id, runRootOf(root, record));
}
