/**
 * Where the time of `skiff run --rm busybox true` goes. A child Node process does what the
 * command does, through the runtime's public interface, and stamps the clock between steps:
 *   node start-up     spawn -> first line of this script (exec, V8, Node's bootstrap)
 *   module loading    importing the `skiff run` command module and what it imports
 *   create            image lookup, container record, /etc files
 *   run               overlay mount, config.json, `runc run` of the container, finalize
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
}

const now = (): number => performance.timeOrigin + performance.now();

async function child(root: string): Promise<void> {
  const scriptStart = now();
  // The command module and everything it imports statically: what `skiff run` loads.
  await import('../src/cmd/engine/run.js');
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
  const stamps: PhaseStamps = { scriptStart, commandLoaded, runtimeLoaded, created, ran, removed, exitCode: done.state.exitCode };
  process.stdout.write(`${JSON.stringify(stamps)}\n`);
}

if (process.argv[2] === '--child' && process.argv[3]) {
  child(process.argv[3]).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}

export interface PhaseTimes {
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
    nodeStartupMs: s.scriptStart - spawnedAt,
    moduleLoadingMs: s.commandLoaded - s.scriptStart,
    createMs: s.created - s.runtimeLoaded,
    runMs: s.ran - s.created,
    removeMs: s.removed - s.ran,
    exitMs: exitedAt - s.removed,
    totalMs: exitedAt - spawnedAt - (s.runtimeLoaded - s.commandLoaded),
  };
}
