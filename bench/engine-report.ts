/**
 * The engine benchmark's tables for people and its figures for the JSON line: medians, p90
 * and ranges in milliseconds, and skiff/peer ratios (ratio of medians, and the median of
 * the per-round ratios, which holds better when the machine's speed drifts).
 */
import { median, round, type Spread } from './_lib.js';
import type { BuildMeasurement } from './engine-build.js';
import type { PhaseTimes } from './engine-phases.js';
import type { Samples } from './engine-rounds.js';
import type { RunContender, RunMeasurement } from './engine-run.js';

/** Figures for the JSON line, keyed `<what>_<contender>_<stat>_<unit>` or `<what>_skiff_vs_<peer>`. */
export type Figures = Record<string, number>;

const pad = (s: string, n: number): string => s.padEnd(n);
const num = (n: number, digits = 1): string => (Number.isFinite(n) ? round(n, digits).toFixed(digits) : '-').padStart(8);

function row(label: string, s: Spread, ratio: string): string {
  return `  ${pad(label, 18)}${num(s.median)}${num(s.p90)}${num(s.min)}${num(s.max)}   ${ratio}`;
}

function addSpread(figures: Figures, prefix: string, s: Spread): void {
  figures[`${prefix}_median_ms`] = round(s.median);
  figures[`${prefix}_p90_ms`] = round(s.p90);
  figures[`${prefix}_min_ms`] = round(s.min);
  figures[`${prefix}_max_ms`] = round(s.max);
}

/** Rows of one table; `skiff` first, then the peers with skiff/peer ratios. */
function table(samples: Samples, names: readonly { name: string; key: string; peer: boolean }[], what: string, figures: Figures): string[] {
  const lines = [`  ${pad('', 18)}${'median'.padStart(8)}${'p90'.padStart(8)}${'min'.padStart(8)}${'max'.padStart(8)}   skiff/it (medians; per-round)`];
  for (const { name, key, peer } of names) {
    const s = samples.spread(name);
    if (s.n === 0) { lines.push(`  ${pad(name, 18)}  no successful run`); continue; }
    addSpread(figures, `${what}_${key}`, s);
    let ratio = '';
    if (name !== 'skiff' && samples.spread('skiff').n > 0) {
      const r = samples.ratio('skiff', name);
      const paired = samples.pairedRatio('skiff', name);
      ratio = `${round(r).toFixed(2)}x; ${round(paired).toFixed(2)}x`;
      if (peer) {
        figures[`${what}_skiff_vs_${key}`] = round(r, 3);
        figures[`${what}_skiff_vs_${key}_paired`] = round(paired, 3);
      }
    }
    const failed = samples.failures(name);
    lines.push(row(name, s, ratio) + (failed ? `   (${failed} failed)` : ''));
  }
  return lines;
}

export function printRuns(contenders: readonly RunContender[], m: RunMeasurement, runs: number, figures: Figures): void {
  console.log(`\nrun --rm busybox true: ${runs} timed runs each after 2 warm-up rounds, interleaved; wall ms from spawn to exit`);
  for (const line of table(m.samples, contenders, 'run', figures)) console.log(line);
  for (const [name, err] of m.errors) console.log(`  ${name} failed: ${err}`);
  // What skiff adds on top of the bare runtime doing the same container.
  const skiff = m.samples.spread('skiff').median;
  const runc = m.samples.spread('runc').median;
  const node = m.samples.spread('node -e 0').median;
  if (Number.isFinite(skiff) && Number.isFinite(runc)) {
    figures.run_skiff_overhead_over_runc_ms = round(skiff - runc);
    console.log(`  skiff adds ${round(skiff - runc, 1)} ms to bare runc; Node's own start-up is ${round(node, 1)} ms of it`);
  }
}

export function printPhases(phases: readonly PhaseTimes[], figures: Figures): void {
  if (phases.length === 0) return;
  const parts: Array<[Exclude<keyof PhaseTimes, 'bundle'>, string, string]> = [
    ['nodeStartupMs', 'node start-up', 'phase_node_startup_ms'],
    ['moduleLoadingMs', 'loading the run command', 'phase_module_loading_ms'],
    ['createMs', 'create (image lookup, record, /etc files)', 'phase_create_ms'],
    ['runMs', 'run (config.json, rootfs, runc run, finalize)', 'phase_run_ms'],
    ['removeMs', 'remove (unmount if mounted, cgroup, directory)', 'phase_remove_ms'],
    ['exitMs', 'process exit', 'phase_exit_ms'],
    ['totalMs', 'total', 'phase_total_ms'],
  ];
  const bundled = phases.filter((p) => p.bundle).length;
  figures.phase_runs_with_bundle = bundled;
  console.log(`\nwhere skiff run's time goes: the same steps in a child process with clock stamps; median of ${phases.length} (ms); `
    + `the run command came from its bundle in ${bundled} of them (a tsc after npm run build makes the bundle stale, and skiff run then loads the modules)`);
  for (const [field, label, key] of parts) {
    const value = median(phases.map((p) => p[field]));
    figures[key] = round(value);
    console.log(`  ${pad(label, 54)}${num(value)}`);
  }
}

export function printBuilds(names: readonly string[], m: BuildMeasurement, runs: number, figures: Figures): void {
  const rows = names.map((name) => ({ name, key: name, peer: true }));
  for (const [kind, samples] of [['cold', m.cold], ['cached', m.cached]] as const) {
    console.log(`\ntwo-stage build, ${kind}: ${runs} timed rounds after 1 warm-up round, interleaved; wall ms`);
    for (const line of table(samples, rows, `build_${kind}`, figures)) console.log(line);
  }
  for (const [name, hits] of m.cacheHits) {
    const ok = hits.cold === 0 && hits.cached > 0;
    console.log(`  ${name}: ${hits.cold} cache hits in the cold build, ${hits.cached} in the cached one${ok ? '' : ' (NOT as expected)'}`);
    figures[`build_cached_${name}_cache_hits`] = hits.cached;
  }
  for (const [name, err] of m.errors) console.log(`  ${name} failed: ${err}`);
}
