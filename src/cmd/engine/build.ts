/**
 * `skiff build -t NAME[:TAG] [-f Dockerfile] [--build-arg K=V]... [--target STAGE] [--no-cache]
 * [--progress plain|tty|quiet] [-q] CONTEXT`: builds an image from a Dockerfile, printing
 * progress as BuildKit's plain mode does.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { flagBool, flagValue, parseArgs, UsageError } from '../../engine/util/index.js';

const usage = `Usage: skiff build [OPTIONS] PATH

Build an image from a Dockerfile

Options:
      --build-arg list     Set build-time variables
  -f, --file string        Name of the Dockerfile (default: "PATH/Dockerfile")
      --no-cache           Do not use cache when building the image
      --progress string    Set type of progress output (auto, plain, tty, quiet) (default "auto":
                           tty on a terminal, plain otherwise)
  -q, --quiet              Suppress the build output and print image ID on success
  -t, --tag list           Name and optionally a tag in the "name:tag" format
      --target string      Set the target build stage to build
      --root string        Engine root (default $SKIFF_ROOT or /var/lib/skiff/engine)
`;

export async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, [
      { name: 'tag', short: 't', value: true }, { name: 'file', short: 'f', value: true }, { name: 'build-arg', value: true },
      { name: 'target', value: true }, { name: 'no-cache' }, { name: 'progress', value: true }, { name: 'quiet', short: 'q' },
    ]);
  } catch (err: unknown) {
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 125;
  }
  if (flagBool(args, 'help')) { process.stdout.write(usage); return 0; }
  const context = args.positionals[0];
  if (context === undefined || args.positionals.length > 1) {
    process.stderr.write(`Error: "skiff build" requires exactly 1 argument.\n${usage}`);
    return 125;
  }
  const buildArgs: Record<string, string> = {};
  for (const pair of args.flags.get('build-arg') ?? []) {
    const eq = pair.indexOf('=');
    if (eq > 0) buildArgs[pair.slice(0, eq)] = pair.slice(eq + 1);
    else if (process.env[pair] !== undefined) buildArgs[pair] = process.env[pair]!; // `--build-arg NAME` takes it from the environment
  }
  const mode = flagBool(args, 'quiet') ? 'quiet' : flagValue(args, 'progress') ?? 'auto';
  if (!['plain', 'tty', 'auto', 'quiet'].includes(mode)) {
    process.stderr.write(`Error: invalid progress mode "${mode}" (plain, tty, quiet)\n`);
    return 125;
  }
  const { build, BuildError, PlainProgress, TtyProgress, silentProgress } = await import('../../engine/build/index.js');
  // Progress goes to stderr, as BuildKit's does; `auto` is the compact view on a terminal, plain otherwise.
  const tty = mode === 'tty' || (mode === 'auto' && process.stderr.isTTY);
  const progress = mode === 'quiet' ? silentProgress : tty ? new TtyProgress(process.stderr) : new PlainProgress(process.stderr);
  // Ctrl-C cancels: the running step is killed and the build cleans up; a second one exits at once.
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${signal === 'SIGINT' ? 'interrupted' : 'terminated'}: cancelling the build\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const dockerfilePath = flagValue(args, 'file');
  let dockerfileText: string | undefined;
  try {
    const dockerfile = dockerfilePath;
    // `-f -` reads the Dockerfile from standard input.
    dockerfileText = dockerfile === '-' ? await readStdin() : undefined;
    const target = flagValue(args, 'target');
    const result = await build({
      root: args.root, contextDir: context, tags: args.flags.get('tag') ?? [], buildArgs, progress,
      noCache: flagBool(args, 'no-cache'), signal: controller.signal,
      // -f is relative to the current directory, as in docker build (not to the context).
      ...(dockerfileText !== undefined ? { dockerfileText } : dockerfile !== undefined ? { dockerfile: resolve(dockerfile) } : {}),
      ...(target !== undefined ? { target } : {}),
    });
    if (mode === 'quiet') process.stdout.write(`${result.id}\n`);
    return 0;
  } catch (err: unknown) {
    if (err instanceof BuildError) {
      if (err.output && err.output.length > 0) {
        process.stderr.write(`------\n${err.output.map((l) => ` > ${l}`).join('\n')}\n------\n`);
      }
      if (err.location) {
        const text = dockerfileText ?? (await readFile(resolve(dockerfilePath ?? join(context, 'Dockerfile')), 'utf8').catch(() => undefined));
        if (text !== undefined) process.stderr.write(excerpt(text, err.location));
      }
      process.stderr.write(`ERROR: ${err.message}\n`);
      return 1;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`Error: ${err.message}\n`);
      return 125;
    }
    process.stderr.write(`ERROR: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The lines up to the failing one, as BuildKit shows them (`   2 | >>> RUN exit 3`). */
function excerpt(text: string, location: { file: string; line: number }): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const first = Math.max(1, location.line - 2);
  const rows: string[] = [];
  for (let n = first; n <= Math.min(location.line, lines.length); n++) {
    rows.push(`${String(n).padStart(4)} | ${n === location.line ? '>>> ' : '    '}${lines[n - 1] ?? ''}`);
  }
  const rule = '-'.repeat(20);
  return `${location.file}:${location.line}\n${rule}\n${rows.join('\n')}\n${rule}\n`;
}
