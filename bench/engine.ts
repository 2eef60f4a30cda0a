/**
 * `npm run bench:engine`: the engine side by side with its peers in one run (issue 3).
 *  - `skiff run --rm busybox true` against `podman run --rm --network none`, docker (if
 *    dockerd can be started), bare `runc run` / `crun run` of the same rootfs;
 *  - where skiff run's time goes, phase by phase;
 *  - a two-stage Dockerfile build, cold and cached, against buildah bud --layers, podman
 *    build and BuildKit.
 * Contenders take turns (A B C, B C A, ...) so the machine's noise falls on all alike.
 * Goals: run median < 40 ms and <= 0.4x podman; cold build <= 0.3x buildah; cached < 60 ms.
 * The last line printed is one JSON object of figures (units in the names, ratios skiff/peer).
 *
 * Knobs: BENCH_RUN_RUNS (20), BENCH_BUILD_RUNS (7), BENCH_PHASE_RUNS (10),
 * BENCH_ENGINE_DOCKER=0 (leave dockerd out), BENCH_ENGINE_CRUN_HUGETLB=1 (see engine-oci.ts).
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { killTimedChildren, round, timedSpawnStopped } from './_lib.js';
import { buildContenders, measureBuilds, writeContext } from './engine-build.js';
import { releaseHugetlb } from './engine-oci.js';
import { phaseTimes, type PhaseStamps, type PhaseTimes } from './engine-phases.js';
import { printBuilds, printPhases, printRuns, type Figures } from './engine-report.js';
import { measureRuns, runContenders } from './engine-run.js';
import { prepare } from './engine-setup.js';
import { BenchWorkspace } from './engine-workspace.js';

const RUN_RUNS = Number(process.env.BENCH_RUN_RUNS ?? 20);
const BUILD_RUNS = Number(process.env.BENCH_BUILD_RUNS ?? 7);
const PHASE_RUNS = Number(process.env.BENCH_PHASE_RUNS ?? 10);

/** One `skiff run` done step by step in a child process (see engine-phases.ts). */
function phaseRun(root: string): Promise<PhaseTimes> {
  const script = fileURLToPath(new URL('./engine-phases.js', import.meta.url));
  return new Promise((ok, fail) => {
    let out = '';
    let err = '';
    const spawnedAt = performance.timeOrigin + performance.now();
    const child = spawn(process.execPath, [script, '--child', root], { stdio: ['ignore', 'pipe', 'pipe'] });
    let exitedAt = 0;
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.once('error', fail);
    child.once('exit', () => { exitedAt = performance.timeOrigin + performance.now(); });
    child.once('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) { fail(new Error(`phase run failed (exit ${code}): ${err.slice(-400)}`)); return; }
      const stamps = JSON.parse(line) as PhaseStamps;
      if (stamps.exitCode !== 0) { fail(new Error(`the container exited ${stamps.exitCode}: ${err.slice(-400)}`)); return; }
      ok(phaseTimes(spawnedAt, exitedAt, stamps));
    });
  });
}

async function main(ws: BenchWorkspace): Promise<void> {
  const loadBefore = loadavg()[0] ?? NaN;
  console.log(`engine benchmark in ${ws.dir}; load average ${round(loadBefore, 1)} on this machine before the start`);
  const setup = await prepare(ws, { docker: process.env.BENCH_ENGINE_DOCKER !== '0' });
  for (const [peer, why] of setup.skipped) console.log(`skipped ${peer}: ${why}`);
  console.log(`versions: ${Object.entries(setup.versions).map(([k, v]) => `${k} ${v}`).join('; ')}`);

  const contenders = runContenders({ skiffRoot: setup.skiffRoot, podmanBase: setup.podmanRunBase, podmanEnv: setup.podmanEnv, bundle: setup.bundle, runcState: setup.runcState, crunState: setup.crunState, dockerd: setup.dockerd });
  const runs = await measureRuns(contenders, RUN_RUNS, 2);
  const figures: Figures = {};
  printRuns(contenders, runs, RUN_RUNS, figures);

  const phases: PhaseTimes[] = [];
  for (let i = 0; i < PHASE_RUNS && !timedSpawnStopped(); i++) phases.push(await phaseRun(setup.skiffRoot));
  printPhases(phases, figures);
  releaseHugetlb(); // crun is done; the machine gets its own cgroup layout back


  const context = ws.path('context');
  writeContext(context);
  const builders = buildContenders({ ws, context, archive: setup.archive, podmanEnv: setup.podmanEnv, dockerd: setup.dockerd });
  const builds = await measureBuilds(builders, BUILD_RUNS, 1);
  printBuilds(builders.map((b) => b.name), builds, BUILD_RUNS, figures);

  if (timedSpawnStopped()) throw new Error('interrupted: no figures');
  const loadAfter = loadavg()[0] ?? NaN;
  const goals = { run_median_ms: 40, run_vs_podman: 0.4, build_cold_vs_buildah: 0.3, build_cached_ms: 60 };
  const runMedian = figures.run_skiff_median_ms ?? NaN;
  const runVsPodman = figures.run_skiff_vs_podman ?? NaN;
  const coldVsBuildah = figures.build_cold_skiff_vs_buildah ?? NaN;
  const cachedMedian = figures.build_cached_skiff_median_ms ?? NaN;
  const verdict = (value: number, goal: number): string => (Number.isFinite(value) ? (value <= goal ? 'met' : 'not met') : 'not measured');
  console.log(`goals: run ${round(runMedian, 1)}/${goals.run_median_ms} ms (${verdict(runMedian, goals.run_median_ms)}), run vs podman ${round(runVsPodman, 3)}/${goals.run_vs_podman} (${verdict(runVsPodman, goals.run_vs_podman)}), `
    + `cold build vs buildah ${round(coldVsBuildah, 3)}/${goals.build_cold_vs_buildah} (${verdict(coldVsBuildah, goals.build_cold_vs_buildah)}), cached build ${round(cachedMedian, 1)}/${goals.build_cached_ms} ms (${verdict(cachedMedian, goals.build_cached_ms)})`);
  console.log(`load average ${round(loadBefore, 1)} before, ${round(loadAfter, 1)} after: figures from a shared machine; compare the ratios, taken side by side, more than the times`);
  console.log(JSON.stringify({
    bench: 'engine',
    run_runs: RUN_RUNS, build_runs: BUILD_RUNS, phase_runs: PHASE_RUNS,
    load_avg_before: round(loadBefore, 2), load_avg_after: round(loadAfter, 2),
    ...figures,
    run_median_vs_goal: round(runMedian / goals.run_median_ms),
    run_vs_podman_vs_goal: round(runVsPodman / goals.run_vs_podman),
    build_cold_vs_buildah_vs_goal: round(coldVsBuildah / goals.build_cold_vs_buildah),
    build_cached_vs_goal: round(cachedMedian / goals.build_cached_ms),
    skipped: Object.fromEntries(setup.skipped),
    failures: { ...Object.fromEntries(runs.errors), ...Object.fromEntries([...builds.errors].map(([k, v]) => [`build ${k}`, v])) },
    versions: setup.versions,
  }));
}

const ws = BenchWorkspace.create('skiff-bench-engine-');
let exiting = false;
async function finish(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  // On a signal a command may still be running (a build, a podman run): it goes first.
  if (code !== 0) killTimedChildren();
  const problems = await ws.cleanup();
  for (const p of problems) console.error(`cleanup: ${p}`);
  process.exit(code || (problems.length > 0 ? 1 : 0));
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => { console.error(`${signal}: cleaning up`); void finish(130); });
main(ws).then(() => finish(0), (err: unknown) => { console.error(err); return finish(1); });
