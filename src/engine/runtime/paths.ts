/**
 * Where the runtime keeps each container under the engine root (see ../types.ts):
 *   containers/<id>/container.json  our record (config, state)
 *   containers/<id>/config.json     the OCI bundle's spec (the folder is the bundle)
 *   containers/<id>/rootfs          overlay mount point when mounted on the host (crun, or what
 *                                   the layers alone cannot answer); upper/ and work/ beside it
 *   rootfs-mountpoint               the shared, empty root path of runc containers that mount
 *                                   their overlay themselves
 *   containers/<id>/ctr.log         k8s-file log written by conmon
 *   containers/<id>/persist/<id>    exit code written by conmon (its exit dir is the persist dir:
 *                                   one folder less per container; exit/<id> before)
 *   containers/<id>/hosts|hostname|resolv.conf  bind-mounted into the container
 *   names/<name>                    the id owning a name (created exclusively: names are unique)
 *   runc/                           the OCI runtime's state root (kept apart from other users)
 */
import { join } from 'node:path';

export interface ContainerPaths {
  readonly dir: string;
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

export function runtimeStateRoot(root: string): string {
  return join(root, 'runc');
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
export function socketDir(root: string): string {
  return join(root, 'sock');
}

export function containerPaths(root: string, id: string): ContainerPaths {
  const dir = join(containersDir(root), id);
  return {
    dir,
    record: join(dir, 'container.json'),
    spec: join(dir, 'config.json'),
    rootfs: join(dir, 'rootfs'),
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    log: join(dir, 'ctr.log'),
    exitDir: join(dir, 'persist'),
    exitFile: join(dir, 'persist', id),
    legacyExitFile: join(dir, 'exit', id),
    persistDir: join(dir, 'persist'),
    conmonPid: join(dir, 'conmon.pid'),
    pidFile: join(dir, 'pid'),
    hosts: join(dir, 'hosts'),
    hostname: join(dir, 'hostname'),
    resolvConf: join(dir, 'resolv.conf'),
  };
}
