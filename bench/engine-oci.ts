/**
 * A bare OCI bundle of the same busybox image, for `runc run` / `crun run` with nothing
 * around them: the rootfs unpacked from the docker-archive `skiff save` wrote, and the
 * config.json `runc spec` makes, adjusted (no terminal, args ["true"], its own network
 * namespace with only loopback, rlimits within this machine's hard limits).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timedSpawn } from './_lib.js';
import type { BenchWorkspace } from './engine-workspace.js';

function sh(command: string, args: readonly string[], cwd?: string): void {
  const r = spawnSync(command, args, { encoding: 'utf8', ...(cwd ? { cwd } : {}) });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.stderr || r.error?.message || `exit ${r.status}`}`);
}

interface OciProcess { terminal?: boolean; args?: string[]; rlimits?: Array<{ type: string; hard: number; soft: number }> }
interface OciConfig { process?: OciProcess; linux?: { namespaces?: Array<{ type: string; path?: string }> } }

/** Unpacks `archive` (docker-archive) into `dir`/rootfs and writes the adjusted config.json. */
export function makeBundle(archive: string, dir: string): void {
  const unpacked = join(dir, 'archive');
  const rootfs = join(dir, 'rootfs');
  mkdirSync(unpacked, { recursive: true });
  mkdirSync(rootfs, { recursive: true });
  sh('tar', ['-xf', archive, '-C', unpacked]);
  const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>;
  for (const layer of manifest[0]?.Layers ?? []) sh('tar', ['-xf', join(unpacked, layer), '-C', rootfs]);
  sh('runc', ['spec'], dir);
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as OciConfig;
  const proc = config.process ?? {};
  proc.terminal = false;
  proc.args = ['true'];
  // The spec's default (nofile 1024) is within the hard limit; clamp anyway should it change.
  proc.rlimits = (proc.rlimits ?? []).map((l) => ({ ...l, hard: Math.min(l.hard, 20000), soft: Math.min(l.soft, 20000) }));
  config.process = proc;
  const namespaces = config.linux?.namespaces ?? [];
  if (!namespaces.some((n) => n.type === 'network')) namespaces.push({ type: 'network' });
  config.linux = { ...config.linux, namespaces };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2));
}

/** Arguments of one bare run; each run gets its own container id. */
export function ociRunArgs(stateDir: string, bundle: string, id: string): string[] {
  return ['--root', stateDir, 'run', '--bundle', bundle, id];
}

const hugetlbMount = '/sys/fs/cgroup/hugetlb';
/** Undo steps of the hugetlb mount, if this process made it; emptied once run. */
const hugetlbUndo: Array<() => void> = [];

/** Gives the machine its hybrid layout back as soon as crun is no longer needed; idempotent. */
export function releaseHugetlb(): void {
  while (hugetlbUndo.length > 0) hugetlbUndo.pop()!();
}

/**
 * Whether crun can run here. crun 1.8 refuses this machine's hybrid cgroup layout unless
 * hugetlb is moved to a v1 mount (HOST-NOTES). That changes the machine for everyone, so the
 * benchmark does it only when BENCH_ENGINE_CRUN_HUGETLB=1 asks, and undoes it right after the
 * run comparison (releaseHugetlb) or at the latest when the workspace is cleaned up.
 * Caveat seen here: if other processes make hugetlb cgroups or mount namespaces while it is
 * mounted, the kernel keeps the v1 hierarchy after the umount, and crun then works on this
 * machine until reboot (hugetlb no longer in cgroup v2). Harmless to runc and podman.
 * Returns undefined when crun works, else why it is left out.
 */
export async function crunUsable(ws: BenchWorkspace, bundle: string): Promise<string | undefined> {
  if (spawnSync('crun', ['--version']).status !== 0) return 'crun is not installed';
  const probe = async (): Promise<string | undefined> => {
    const r = await timedSpawn('crun', ociRunArgs(ws.path('crun-state'), bundle, 'skiff-bench-crun-probe'), { timeoutMs: 30_000 });
    return r.code === 0 ? undefined : (r.stderr.trim() || `exit ${r.code}`);
  };
  const first = await probe();
  if (!first) return undefined;
  if (!/hybrid/.test(first)) return `crun fails here: ${first}`;
  if (process.env.BENCH_ENGINE_CRUN_HUGETLB !== '1') {
    return `crun refuses the hybrid cgroup layout ("${first}"); run with BENCH_ENGINE_CRUN_HUGETLB=1 to mount hugetlb as cgroup v1 for the benchmark (HOST-NOTES)`;
  }
  ws.defer('give hugetlb back', releaseHugetlb);
  if (!existsSync(hugetlbMount)) {
    mkdirSync(hugetlbMount);
    hugetlbUndo.push(() => { rmdirSync(hugetlbMount); });
  }
  sh('mount', ['-t', 'cgroup', '-o', 'hugetlb', 'cgroup', hugetlbMount]);
  hugetlbUndo.push(() => { sh('umount', [hugetlbMount]); });
  const second = await probe();
  return second ? `crun fails even with hugetlb on cgroup v1: ${second}` : undefined;
}
