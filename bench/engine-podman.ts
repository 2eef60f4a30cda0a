/**
 * podman and buildah for the engine benchmark, confined to the benchmark's temp directory:
 * a containers.conf (the ulimits this machine allows, cgroupfs, file events and locks, runc
 * as skiff uses) and a storage.conf, pointed to by CONTAINERS_CONF / CONTAINERS_STORAGE_CONF,
 * plus per-root --root/--runroot/--tmpdir flags, so nothing of the machine's own container
 * storage is read or written.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timedSpawn } from './_lib.js';

/** Environment for every podman/buildah call of the benchmark. */
export function podmanEnv(confDir: string): NodeJS.ProcessEnv {
  mkdirSync(confDir, { recursive: true });
  const containersConf = join(confDir, 'containers.conf');
  const storageConf = join(confDir, 'storage.conf');
  // HOST-NOTES: rlimits above the hard limits (nofile 20000) make the runtime fail with EPERM.
  writeFileSync(containersConf, `[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[network]
network_config_dir = "${join(confDir, 'net')}"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "${join(confDir, 'events.log')}"
lock_type = "file"
runtime = "runc"
volume_path = "${join(confDir, 'volumes')}"
`);
  writeFileSync(storageConf, `[storage]
driver = "overlay"
graphroot = "${join(confDir, 'default-root')}"
runroot = "${join(confDir, 'default-runroot')}"
`);
  return { ...process.env, CONTAINERS_CONF: containersConf, CONTAINERS_STORAGE_CONF: storageConf };
}

/**
 * Global flags that put one podman/buildah store under `base`. Names are short because
 * podman refuses a runroot longer than 50 characters.
 */
export function storageFlags(base: string, options: { libpod: boolean }): string[] {
  if (join(base, 'rr').length > 50) throw new Error(`podman store path ${base} is too long (runroot over 50 characters): set TMPDIR to a shorter directory`);
  const flags = ['--root', join(base, 'r'), '--runroot', join(base, 'rr'), '--storage-driver', 'overlay'];
  // --tmpdir is podman's (libpod state: alive file, exit files, locks); buildah has no such flag.
  return options.libpod ? [...flags, '--tmpdir', join(base, 't')] : flags;
}

/** Loads the benchmark's busybox archive into the store under `base`. */
export async function loadIntoPodmanStore(env: NodeJS.ProcessEnv, base: string, archive: string): Promise<void> {
  const r = await timedSpawn('podman', [...storageFlags(base, { libpod: true }), 'load', '-q', '-i', archive], { env, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`podman load into ${base} failed: ${r.stderr.trim().slice(-500)}`);
}

/** Removes whatever a store under `base` still has running (only after an interrupted run). */
export async function removePodmanContainers(env: NodeJS.ProcessEnv, base: string): Promise<void> {
  await timedSpawn('podman', [...storageFlags(base, { libpod: true }), 'rm', '-af', '-t', '0'], { env, timeoutMs: 60_000, cleanup: true });
  await timedSpawn('buildah', [...storageFlags(base, { libpod: false }), 'rm', '-a'], { env, timeoutMs: 60_000, cleanup: true });
}
