/**
 * Everything the engine benchmark needs before the first timed run, all inside its
 * workspace: skiff's busybox image (the project's script), the same image as a
 * docker-archive for podman, buildah and dockerd, a bare OCI bundle of it for runc and crun,
 * and dockerd if it can be started. Peers that cannot run here are listed with the reason.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, timedSpawn } from './_lib.js';
import { startDockerd, type Dockerd } from './engine-dockerd.js';
import { crunUsable, makeBundle } from './engine-oci.js';
import { loadIntoPodmanStore, podmanEnv, removePodmanContainers } from './engine-podman.js';
import type { BenchWorkspace } from './engine-workspace.js';

export interface BenchSetup {
  readonly skiffRoot: string;
  readonly archive: string;
  readonly podmanEnv: NodeJS.ProcessEnv;
  readonly podmanRunBase: string;
  readonly bundle: string;
  readonly runcState: string;
  readonly crunState: string | undefined;
  readonly dockerd: Dockerd | undefined;
  /** Peer -> why it is not in this run. */
  readonly skipped: Map<string, string>;
  readonly versions: Record<string, string>;
}

function versionOf(command: string, args: string[] = ['--version']): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return r.status === 0 ? (r.stdout.split('\n')[0] ?? '').trim() : 'not found';
}

function requireTool(command: string, why: string): void {
  if (spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0) throw new Error(`${command} is missing (${why}); run scripts/setup.sh`);
}

/** `runc`/`crun` containers a run left behind (only after an interruption). */
function deferOciCleanup(ws: BenchWorkspace, runtime: string, stateDir: string): void {
  ws.defer(`${runtime} leftovers`, () => {
    const list = spawnSync(runtime, ['--root', stateDir, 'list', '-q'], { encoding: 'utf8' });
    for (const id of (list.stdout ?? '').split('\n').filter(Boolean)) spawnSync(runtime, ['--root', stateDir, 'delete', '-f', id]);
  });
}

export async function prepare(ws: BenchWorkspace, options: { docker: boolean }): Promise<BenchSetup> {
  for (const [tool, why] of [['runc', 'the OCI runtime'], ['podman', 'peer'], ['buildah', 'peer'], ['unshare', 'util-linux']] as const) requireTool(tool, why);
  const skipped = new Map<string, string>();
  const skiffRoot = ws.path('skiff-run');
  // The engine root is swept of containers an interrupted run may have left (skiff rm -f).
  ws.defer('skiff containers', async () => {
    const ps = await timedSpawn(process.execPath, [join(repoRoot, 'bin/skiff'), 'ps', '-aq', '--root', skiffRoot], { timeoutMs: 30_000, cleanup: true });
    const ids = ps.stdout.split('\n').filter(Boolean);
    if (ids.length > 0) await timedSpawn(process.execPath, [join(repoRoot, 'bin/skiff'), 'rm', '-f', '--root', skiffRoot, ...ids], { timeoutMs: 60_000, cleanup: true });
  });
  const made = spawnSync('bash', [join(repoRoot, 'scripts/make-busybox-image.sh'), '--root', skiffRoot], { cwd: repoRoot, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`make-busybox-image.sh failed: ${made.stderr}`);
  const archive = ws.path('busybox.tar');
  const saved = await timedSpawn(process.execPath, [join(repoRoot, 'bin/skiff'), 'save', '--root', skiffRoot, '-o', archive, 'busybox'], { timeoutMs: 60_000 });
  if (saved.code !== 0) throw new Error(`skiff save failed: ${saved.stderr}`);

  const env = podmanEnv(ws.path('containers-conf'));
  const podmanRunBase = ws.path('podman-run');
  ws.defer('podman run store', () => removePodmanContainers(env, podmanRunBase));
  await loadIntoPodmanStore(env, podmanRunBase, archive);

  const bundle = ws.path('bundle');
  makeBundle(archive, bundle);
  const runcState = ws.path('runc-state');
  deferOciCleanup(ws, 'runc', runcState);
  const crunStateDir = ws.path('crun-state');
  deferOciCleanup(ws, 'crun', crunStateDir);
  let crunState: string | undefined;
  try {
    const why = await crunUsable(ws, bundle);
    if (why) skipped.set('crun', why); else crunState = crunStateDir;
  } catch (err: unknown) {
    skipped.set('crun', `crun could not be set up: ${err instanceof Error ? err.message : String(err)}`);
  }

  let dockerd: Dockerd | undefined;
  if (!options.docker) {
    skipped.set('docker', 'left out by BENCH_ENGINE_DOCKER=0');
  } else {
    const started = await startDockerd(ws);
    if ('skipped' in started) {
      skipped.set('docker', started.skipped);
    } else {
      const loaded = await timedSpawn(started.docker, ['load', '-q', '-i', archive], { env: started.env, timeoutMs: 120_000 });
      if (loaded.code === 0) dockerd = started;
      else skipped.set('docker', `docker load failed: ${loaded.stderr.trim().slice(-300)}`);
    }
  }

  const versions: Record<string, string> = {
    node: process.version,
    runc: versionOf('runc'),
    crun: versionOf('crun'),
    podman: versionOf('podman'),
    buildah: versionOf('buildah'),
    ...(dockerd ? { dockerd: dockerd.version } : {}),
  };
  return { skiffRoot, archive, podmanEnv: env, podmanRunBase, bundle, runcState, crunState, dockerd, skipped, versions };
}
