/**
 * Turning a container record into a runnable OCI bundle: mount the rootfs, resolve the user
 * inside it, and write config.json. Done at every start, so a restarted container gets a
 * fresh spec and mount.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { containerPaths } from './paths.js';
import type { ContainerRecord } from './record.js';
import { mountRootfs } from './rootfs.js';
import { resolveUser } from './user.js';
import { buildSpec } from './spec.js';
import { cgroupsPathFor, nofileHardLimit } from './cgroup.js';

export async function prepareBundle(root: string, record: ContainerRecord): Promise<void> {
  const paths = containerPaths(root, record.id);
  const mountOptions = record.shortLowerDirs ? { short: record.shortLowerDirs } : {};
  await mountRootfs(record.rootfs, paths.rootfs, mountOptions);
  const [user, nofile] = await Promise.all([resolveUser(paths.rootfs, record.config.user), nofileHardLimit()]);
  const env = record.config.env.some((e) => e.startsWith('HOME=')) ? record.config.env : [...record.config.env, `HOME=${user.home}`];
  for (const volume of record.hostConfig.mounts) {
    // Docker creates a missing host path for a bind volume as a directory.
    await mkdir(volume.source, { recursive: true });
  }
  const spec = buildSpec({
    rootfsPath: paths.rootfs,
    args: record.config.args,
    env,
    cwd: record.config.workingDir,
    uid: user.uid,
    gid: user.gid,
    additionalGids: user.additionalGids,
    hostname: record.config.hostname,
    tty: record.config.tty,
    network: record.hostConfig.network,
    volumes: record.hostConfig.mounts,
    etcFiles: { hosts: paths.hosts, hostname: paths.hostname, resolvConf: paths.resolvConf },
    memory: record.hostConfig.memory,
    cpus: record.hostConfig.cpus,
    nofileHardLimit: nofile,
    cgroupsPath: cgroupsPathFor(record.id),
  });
  await Promise.all([
    writeFile(paths.spec, JSON.stringify(spec)),
    // A previous run's exit file would make the new run look finished.
    rm(paths.exitFile, { force: true }),
    rm(`${paths.persistDir}/exit`, { force: true }),
    rm(`${paths.persistDir}/oom`, { force: true }),
  ]);
}
