/**
 * `skiff run [flags] IMAGE [CMD...]`: create and start a container.
 *  -d: under conmon, print the full ID.
 *  foreground with --rm, -i or -t: run the OCI runtime as our child with the terminal
 *    inherited (the fast path; nothing needs to outlive us).
 *  other foreground runs: under conmon, streaming its log until it exits, so the container
 *    and its logs and exit code stay behind like Docker's.
 * Exits with the container's code (125 when skiff itself fails).
 */
// Straight to the modules this command needs rather than the runtime's index: `skiff run
// --rm` is measured in milliseconds and every module loaded counts.
import { ContainerRuntime } from '../../engine/runtime/runtime.js';
import { containerCommand } from '../../engine/runtime/cli.js';
import { parseRunFlags } from '../../engine/runtime/cli-options.js';
import type { ContainerRecord } from '../../engine/runtime/record.js';
import type { StartOptions } from '../../engine/runtime/start.js';
import { RuntimeError } from '../../engine/runtime/errors.js';

const usage = `Usage: skiff run [-d] [--rm] [--name NAME] [-e K=V] [-v HOST:CTR[:ro]] [-w DIR] [-u USER]
                 [--memory 64m] [--cpus 0.5] [--cpu-shares N] [--oom-score-adj N] [--network none|host|ns:PATH] [-p H:C]
                 [--entrypoint X] [--privileged] [--cap-add CAP] [--cap-drop CAP] [--read-only]
                 [--security-opt seccomp=unconfined|PROFILE.json|no-new-privileges] [-i] [-t] IMAGE [CMD...]
`;

/**
 * Starts under conmon; when the process could not be started (exec not found: 127, not
 * executable: 126), prints why and returns that code as Docker's `run` does.
 */
async function startOrExitCode(rt: ContainerRuntime, id: string, options: StartOptions = {}): Promise<number | undefined> {
  try {
    await rt.start(id, options);
    return undefined;
  } catch (err: unknown) {
    if (!(err instanceof RuntimeError) || err.code !== 'RUNTIME_FAILED') throw err;
    process.stderr.write(`Error: ${err.message}\n`);
    return (await rt.inspect(id)).state.exitCode;
  }
}

async function followToExit(rt: ContainerRuntime, record: ContainerRecord): Promise<number> {
  const onSignal = (signal: NodeJS.Signals): void => { void rt.kill(record.id, signal).catch(() => undefined); };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let finished: ContainerRecord | undefined;
  const { readLog } = await import('../../engine/runtime/logs.js');
  await readLog(await rt.logPath(record.id), {
    follow: true,
    isDone: async () => {
      finished = await rt.inspect(record.id);
      return finished.state.status !== 'running';
    },
    onEntry: (e) => { (e.stream === 'stderr' ? process.stderr : process.stdout).write(e.text); },
  });
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return (finished ?? (await rt.wait(record.id))).state.exitCode;
}

async function runInForeground(rt: ContainerRuntime, record: ContainerRecord): Promise<number> {
  // Ctrl-C reaches the runtime through the terminal's process group; the runtime forwards it.
  const ignore = (): void => undefined;
  let forward: ((signal: NodeJS.Signals) => void) | undefined;
  process.on('SIGINT', ignore);
  try {
    const done = await rt.runAttached(record.id, {
      onSpawn: (child) => {
        forward = (signal) => { child.kill(signal); };
        process.on('SIGTERM', forward);
        process.on('SIGHUP', forward);
      },
    });
    return done.state.exitCode;
  } finally {
    process.off('SIGINT', ignore);
    if (forward) { process.off('SIGTERM', forward); process.off('SIGHUP', forward); }
  }
}

export async function main(argv: string[]): Promise<number> {
  return containerCommand(async () => {
    const flags = parseRunFlags(argv, { allowDetach: true });
    if (flags.help) { process.stdout.write(usage); return 0; }
    const rt = new ContainerRuntime(flags.root);
    const record = await rt.create(flags.create);
    const c = flags.create;
    if (flags.detach) {
      const failed = await startOrExitCode(rt, record.id);
      if (failed !== undefined) return failed;
      process.stdout.write(`${record.id}\n`);
      return 0;
    }
    let code: number;
    try {
      // Published ports need the monitor path (the publisher follows conmon's container).
      const direct = c.tty || c.openStdin || (c.autoRemove && (c.ports ?? []).length === 0);
      if (direct) code = await runInForeground(rt, record);
      else {
        const failed = await startOrExitCode(rt, record.id, { autoRemoveOnExit: false });
        code = failed ?? (await followToExit(rt, await rt.inspect(record.id)));
      }
    } finally {
      if (c.autoRemove) await rt.remove(record.id, { force: true });
    }
    return code;
  });
}
