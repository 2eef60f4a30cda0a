/**
 * Turning a container record into a runnable OCI bundle: the rootfs, the user resolved inside
 * it, and config.json. Done at every start, so a restarted container gets a fresh spec.
 * With runc the overlay is mounted by runc itself inside the container (an OCI mount over
 * "/"): no mount or umount process and nothing on the host to clean up. The host mount is
 * kept for crun and for what the layers alone cannot answer (see layered-read.ts).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { recordPaths, sharedMountPoint } from './paths.js';
import type { ContainerRecord } from './record.js';
import { inSpecRootMount, makeRootfsDirs, mountRootfs } from './rootfs.js';
import { resolveUser, resolveUserFromLayers } from './user.js';
import type { ResolvedUser } from './user.js';
import { buildSpec } from './spec.js';
import { isInitLayer } from './init-layer.js';
import type { OciMount } from './spec.js';
import { cgroupsPathOf, nofileHardLimit, reserveCgroup } from './cgroup.js';

export async function prepareBundle(root: string, record: ContainerRecord): Promise<void> {
  const paths = recordPaths(root, record);
  const [{ user, rootMount, rootfsPath }, nofile] = await Promise.all([prepareRootfs(record, paths.rootfs, sharedMountPoint(root)), nofileHardLimit(), reserveCgroup(cgroupsPathOf(record))]);
  const env = record.config.env.some((e) => e.startsWith('HOME=')) ? record.config.env : [...record.config.env, `HOME=${user.home}`];
  for (const volume of record.hostConfig.mounts) {
    // Docker creates a missing host path for a bind volume as a directory; an existing file is
    // bind-mounted as a file (runc makes the file to mount over inside the rootfs).
    await mkdir(volume.source, { recursive: true }).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    });
  }
  const spec = buildSpec({
    rootfsPath,
    args: record.config.args,
    env,
    cwd: record.config.workingDir,
    uid: user.uid,
    gid: user.gid,
    additionalGids: [...new Set([...user.additionalGids, ...(record.hostConfig.security?.extraGids ?? [])])],
    hostname: record.config.hostname,
    tty: record.config.tty,
    network: record.hostConfig.network,
    volumes: record.hostConfig.mounts,
    etcFiles: { hosts: paths.hosts, hostname: paths.hostname, resolvConf: paths.resolvConf },
    memory: record.hostConfig.memory,
    cpus: record.hostConfig.cpus,
    ...(record.hostConfig.cpuShares !== undefined ? { cpuShares: record.hostConfig.cpuShares } : {}),
    ...(record.hostConfig.oomScoreAdj !== undefined ? { oomScoreAdj: record.hostConfig.oomScoreAdj } : {}),
    nofileHardLimit: nofile,
    cgroupsPath: cgroupsPathOf(record),
    ...(record.hostConfig.security ? { security: record.hostConfig.security } : {}),
    ...(rootMount ? { rootMount } : {}),
  });
  // Synchronous: see record.ts.
  writeFileSync(paths.spec, JSON.stringify(spec));
  // A previous run's exit file would make the new run look finished.
  for (const stale of [paths.exitFile, paths.legacyExitFile, `${paths.persistDir}/exit`, `${paths.persistDir}/oom`]) rmSync(stale, { force: true });
}

/**
 * Either leaves the rootfs for the OCI runtime to mount (rootMount) or mounts it here on the
 * container's own `target`. The runtime mounts the overlay over the spec's root path inside
 * the container's own mount namespace, so every such container can name one shared, always
 * empty folder (`shared`): one folder less to make per container (~0.8 ms of CPU in some
 * places, e.g. this machine's /tmp).
 */
async function prepareRootfs(record: ContainerRecord, target: string, shared: string): Promise<{ user: ResolvedUser; rootMount?: OciMount; rootfsPath: string }> {
  const rootMount = record.runtime === 'runc' ? inSpecRootMount(record.rootfs) : undefined;
  if (rootMount) {
    const [, user] = await Promise.all([
      makeRootfsDirs(record.rootfs, shared),
      resolveUserFromLayers([record.rootfs.upperDir, ...record.rootfs.lowerDirs.filter((dir) => !isInitLayer(dir))], record.config.user),
    ]);
    if (user) return { user, rootMount, rootfsPath: shared };
  }
  const mountOptions = record.shortLowerDirs ? { short: record.shortLowerDirs } : {};
  await mountRootfs(record.rootfs, target, mountOptions);
  return { user: await resolveUser(target, record.config.user), rootfsPath: target };
}
