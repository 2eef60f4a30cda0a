/**
 * Creating a container: resolve the image, merge its config with the caller's options
 * (Docker's rules: --entrypoint resets the image's Cmd; env overrides by key), reserve the
 * name and write the record and /etc files. Nothing runs yet; start mounts and launches.
 */
import { mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { relative } from 'node:path';
import type { ImageProvider } from '../types.js';
import type { NetworkMode } from '../network/index.js';
import { containerPaths } from './paths.js';
import type { ContainerRecord, ContainerSecurity, PortMapping, VolumeMount } from './record.js';
import { writeRecord } from './record.js';
import { newContainerId, reserveName, releaseName, shortContainerId } from './names.js';
import { containerHostname, writeEtcFiles } from './etc-files.js';
import type { DnsOptions } from './etc-files.js';
import { RuntimeError } from './errors.js';
import type { RuntimeName } from './oci.js';
import { ensureInitLayer, mountPointsFor } from './init-layer.js';

export interface CreateOptions {
  image: string;
  name?: string;
  /** Replaces the image's Cmd when non-empty. */
  cmd?: string[];
  /** Replaces the image's Entrypoint (and then its Cmd too, as Docker does). */
  entrypoint?: string[];
  env?: string[];
  workingDir?: string;
  user?: string;
  hostname?: string;
  network?: NetworkMode;
  volumes?: VolumeMount[];
  ports?: PortMapping[];
  memory?: number;
  cpus?: number;
  cpuShares?: number;
  oomScoreAdj?: number;
  tty?: boolean;
  openStdin?: boolean;
  autoRemove?: boolean;
  labels?: Record<string, string>;
  dns?: DnsOptions;
  runtime?: RuntimeName;
  /** Parent cgroup (default `skiff`); ContainerRuntime sets it from its options. */
  cgroupParent?: string;
  /** Where its run-time state goes (paths.ts); ContainerRuntime sets it from its options. */
  runRoot?: string;
  /** Log file path (the node agent keeps pod logs under its own folder). */
  logPath?: string;
  /** Capabilities, read-only rootfs, privileged... (the node agent's securityContext). */
  security?: ContainerSecurity;
}

const defaultPath = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Image env, then the caller's, later keys winning; PATH always present. */
export function mergeEnv(imageEnv: readonly string[], overrides: readonly string[]): string[] {
  const byKey = new Map<string, string>();
  for (const entry of [defaultPath, ...imageEnv, ...overrides]) {
    const eq = entry.indexOf('=');
    byKey.set(eq < 0 ? entry : entry.slice(0, eq), entry);
  }
  return [...byKey.values()];
}

export function processArgs(imageEntrypoint: readonly string[] | null | undefined, imageCmd: readonly string[] | null | undefined, options: Pick<CreateOptions, 'cmd' | 'entrypoint'>): { entrypoint: string[]; cmd: string[]; args: string[] } {
  const entrypoint = options.entrypoint ? [...options.entrypoint] : [...(imageEntrypoint ?? [])];
  let cmd: string[];
  if (options.cmd && options.cmd.length > 0) cmd = [...options.cmd];
  else if (options.entrypoint) cmd = [];
  else cmd = [...(imageCmd ?? [])];
  return { entrypoint, cmd, args: [...entrypoint, ...cmd] };
}

export async function createContainer(root: string, images: ImageProvider, runtime: RuntimeName, options: CreateOptions): Promise<ContainerRecord> {
  const image = await images.prepare(options.image);
  const { entrypoint, cmd, args } = processArgs(image.config.Entrypoint, image.config.Cmd, options);
  if (args.length === 0) throw new RuntimeError('INVALID_ARGUMENT', 'no command or entrypoint provided, and no CMD or ENTRYPOINT from image');
  const id = newContainerId();
  const name = await reserveName(root, id, options.name);
  const runRoot = options.runRoot && options.runRoot !== root ? options.runRoot : undefined;
  const paths = containerPaths(root, id, runRoot);
  try {
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
    if (runRoot) mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
    const network = options.network ?? { kind: 'none' };
    // Mount points the image lacks come from a shared layer, not this container's own.
    const initLayer = ensureInitLayer(image.lowerDirs, mountPointsFor(options.volumes ?? []));
    const lowerDirs = [...(initLayer ? [initLayer] : []), ...image.lowerDirs];
    const hostname = containerHostname(network, options.hostname ?? shortContainerId(id));
    const tty = options.tty ?? false;
    const env = mergeEnv(image.config.Env ?? [], [`HOSTNAME=${hostname}`, ...(tty ? ['TERM=xterm'] : []), ...(options.env ?? [])]);
    const record: ContainerRecord = {
      id,
      name,
      image: options.image,
      imageId: image.id,
      created: new Date().toISOString(),
      config: {
        args, entrypoint, cmd, env,
        workingDir: options.workingDir ?? (image.config.WorkingDir || '/'),
        user: options.user ?? image.config.User ?? '',
        hostname,
        tty,
        openStdin: options.openStdin ?? false,
        stopSignal: image.config.StopSignal ?? 'SIGTERM',
        labels: { ...(image.config.Labels ?? {}), ...(options.labels ?? {}) },
      },
      hostConfig: {
        memory: options.memory ?? 0,
        cpus: options.cpus ?? 0,
        ...(options.cpuShares !== undefined ? { cpuShares: options.cpuShares } : {}),
        ...(options.oomScoreAdj !== undefined ? { oomScoreAdj: options.oomScoreAdj } : {}),
        network,
        mounts: options.volumes ?? [],
        ports: options.ports ?? [],
        autoRemove: options.autoRemove ?? false,
        ...(options.security ? { security: options.security } : {}),
      },
      rootfs: { lowerDirs, upperDir: paths.upper, workDir: paths.work },
      runtime,
      ...(runRoot ? { runRoot } : {}),
      state: { status: 'created', pid: 0, exitCode: 0, oomKilled: false },
    };
    if (options.logPath) record.logPath = options.logPath;
    if (options.cgroupParent) record.cgroupParent = options.cgroupParent;
    if (image.shortLowerDirs) record.shortLowerDirs = { cwd: image.shortLowerDirs.cwd, dirs: [...(initLayer ? [relative(image.shortLowerDirs.cwd, initLayer)] : []), ...image.shortLowerDirs.dirs] };
    await writeEtcFiles(paths, network, hostname, options.dns);
    await writeRecord(root, record);
    return record;
  } catch (err: unknown) {
    await rm(paths.dir, { recursive: true, force: true });
    if (runRoot) await rm(paths.runDir, { recursive: true, force: true });
    await releaseName(root, name, id);
    throw err;
  }
}
