/**
 * Where the time of `skiff run --rm busybox true` goes. A child Node process does what the
 * command does, through the runtime's public interface, and stamps the clock between steps:
 *   node start-up     spawn -> first line of this script (exec, V8, Node's bootstrap)
 *   module loading    loading the `skiff run` command: its bundle, or its modules
 *   create            image lookup, container record, /etc files
 *   run               config.json, rootfs (runc mounts it, or a host overlay mount), `runc run`, finalize
 *   remove            unmount, cgroup, the container's directory
 *   exit              last stamp -> the parent sees the process exit
 * The child mode is `node engine-phases.js --child ROOT`; without it this file does nothing,
 * so the benchmark runner may load it like any other file in bench/.
 *
 * This module has no static imports on purpose: they would load before the first stamp.
 */

/** Clock readings (epoch milliseconds, sub-millisecond) the child prints as one JSON line. */
export interface PhaseStamps {
  scriptStart: number;
  commandLoaded: number;
  runtimeLoaded: number;
  created: number;
  ran: number;
  removed: number;
  exitCode: number;
  /** Whether the run command came from its bundle (true) or as separate modules. */
  bundle: boolean;
}

const now = (): number => performance.timeOrigin + performance.now();

async function child(root: string): Promise<void> {
  const scriptStart = now();
  // What `skiff run` loads: the one-file bundle while it is as new as tsc's build info (the
  // dispatcher's rule, src/cmd/skiff.ts), else the command module and its static imports.
  const { statSync } = await import('node:fs');
  const bundle = new URL('../src/cmd/engine/run.bundle.mjs', import.meta.url);
  const built = statSync(bundle, { throwIfNoEntry: false });
  const compiled = statSync(new URL('../.tsbuildinfo', import.meta.url), { throwIfNoEntry: false });
  const useBundle = built !== undefined && compiled !== undefined && built.mtimeMs >= compiled.mtimeMs;
  if (useBundle) await import(bundle.href); else await import('../src/cmd/engine/run.js');
  const commandLoaded = now();
  // The public face of the runtime; it adds a few modules `skiff run` does not load, so
  // they get their own stamp and are left out of every phase.
  const { ContainerRuntime, parseRunFlags } = await import('../src/engine/runtime/index.js');
  const runtimeLoaded = now();
  const flags = parseRunFlags(['--rm', '--root', root, '--network', 'none', 'busybox', 'true'], { allowDetach: true });
  const rt = new ContainerRuntime(flags.root);
  const record = await rt.create(flags.create);
  const created = now();
  const done = await rt.runAttached(record.id, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ran = now();
  await rt.remove(record.id, { force: true });
  const removed = now();
  const stamps: PhaseStamps = { scriptStart, commandLoaded, runtimeLoaded, created, ran, removed, exitCode: done.state.exitCode, bundle: useBundle };
  process.stdout.write(`${JSON.stringify(stamps)}\n`);
}

if (process.argv[2] === '--child' && process.argv[3]) {
  child(process.argv[3]).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}

export interface PhaseTimes {
  readonly bundle: boolean;
  readonly nodeStartupMs: number;
  readonly moduleLoadingMs: number;
  readonly createMs: number;
  readonly runMs: number;
  readonly removeMs: number;
  readonly exitMs: number;
  readonly totalMs: number;
}

/** Turns one child's stamps plus the parent's spawn and exit times into phase durations. */
export function phaseTimes(spawnedAt: number, exitedAt: number, s: PhaseStamps): PhaseTimes {
  return {
    bundle: s.bundle,
    nodeStartupMs: s.scriptStart - spawnedAt,
    moduleLoadingMs: s.commandLoaded - s.scriptStart,
    createMs: s.created - s.runtimeLoaded,
    runMs: s.ran - s.created,
    removeMs: s.removed - s.ran,
    exitMs: exitedAt - s.removed,
    totalMs: exitedAt - spawnedAt - (s.runtimeLoaded - s.commandLoaded),
  };
}
