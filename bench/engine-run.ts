/**
 * `skiff run --rm busybox true` side by side with podman, docker (when dockerd could be
 * started), bare runc and crun on the same busybox rootfs, and two floors that are not
 * peers: `node -e 0` (Node's own start-up) and `skiff --version` (Node plus our entry).
 */
import { join } from 'node:path';
import { repoRoot, timedSpawn } from './_lib.js';
import type { Dockerd } from './engine-dockerd.js';
import { ociRunArgs } from './engine-oci.js';
import { storageFlags } from './engine-podman.js';
import { roundOrder, Samples } from './engine-rounds.js';

export interface RunContender {
  readonly name: string;
  /** Name in the JSON figures. */
  readonly key: string;
  /** False for the floors (Node start-up), which are shown but not compared as peers. */
  readonly peer: boolean;
  readonly command: string;
  args(runIndex: number): string[];
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunSetup {
  readonly skiffRoot: string;
  readonly podmanBase: string;
  readonly podmanEnv: NodeJS.ProcessEnv;
  readonly bundle: string;
  readonly runcState: string;
  /** Undefined when crun cannot run here. */
  readonly crunState: string | undefined;
  readonly dockerd: Dockerd | undefined;
}

const skiffBin = join(repoRoot, 'bin/skiff');

export function runContenders(s: RunSetup): RunContender[] {
  const list: RunContender[] = [
    { name: 'skiff', key: 'skiff', peer: true, command: process.execPath, args: () => [skiffBin, 'run', '--rm', '--root', s.skiffRoot, '--network', 'none', 'busybox', 'true'] },
    { name: 'podman', key: 'podman', peer: true, command: 'podman', env: s.podmanEnv, args: () => [...storageFlags(s.podmanBase, { libpod: true }), 'run', '--rm', '--pull', 'never', '--network', 'none', 'busybox', 'true'] },
    { name: 'runc', key: 'runc', peer: true, command: 'runc', args: (i) => ociRunArgs(s.runcState, s.bundle, `skiff-bench-runc-${i}`) },
  ];
  // skiff itself on crun (SKIFF_RUNTIME), to show what the faster runtime would give.
  if (s.crunState) list.push({ name: 'skiff on crun', key: 'skiff_on_crun', peer: false, command: process.execPath, env: { ...process.env, SKIFF_RUNTIME: 'crun' }, args: () => [skiffBin, 'run', '--rm', '--root', s.skiffRoot, '--network', 'none', 'busybox', 'true'] });
  if (s.crunState) list.push({ name: 'crun', key: 'crun', peer: true, command: 'crun', args: (i) => ociRunArgs(s.crunState!, s.bundle, `skiff-bench-crun-${i}`) });
  if (s.dockerd) list.push({ name: 'docker', key: 'docker', peer: true, command: s.dockerd.docker, env: s.dockerd.env, args: () => ['run', '--rm', '--pull', 'never', '--network', 'none', 'busybox', 'true'] });
  list.push(
    { name: 'node -e 0', key: 'node_floor', peer: false, command: process.execPath, args: () => ['-e', '0'] },
    { name: 'skiff --version', key: 'skiff_version_floor', peer: false, command: process.execPath, args: () => [skiffBin, '--version'] },
  );
  return list;
}

export interface RunMeasurement {
  readonly samples: Samples;
  /** First error per contender that failed, for the report. */
  readonly errors: Map<string, string>;
}

/** `warmup` untimed rounds, then `rounds` timed ones, contenders taking turns. */
export async function measureRuns(contenders: readonly RunContender[], rounds: number, warmup: number): Promise<RunMeasurement> {
  const samples = new Samples();
  const errors = new Map<string, string>();
  let runIndex = 0;
  for (let round = -warmup; round < rounds; round++) {
    for (const c of roundOrder(contenders, round + warmup)) {
      const r = await timedSpawn(c.command, c.args(runIndex++), { ...(c.env ? { env: c.env } : {}), timeoutMs: 60_000 });
      const ok = r.code === 0;
      if (!ok && !errors.has(c.name)) errors.set(c.name, `${r.signal ?? `exit ${r.code}`}: ${r.stderr.trim().slice(-300)}`);
      if (round >= 0) samples.add(c.name, round, ok ? r.ms : NaN);
    }
  }
  return { samples, errors };
}
