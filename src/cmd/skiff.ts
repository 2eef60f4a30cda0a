/**
 * `skiff` entry point: picks the subcommand and loads only its module, so short commands
 * (`skiff ps`, `skiff run`) do not pay for loading the API server.
 *
 * Each command module exports `main(argv: string[]): Promise<number>` (the exit code).
 */
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type CommandModule = { main(argv: string[]): Promise<number> };

/** Control-plane commands, one module each under src/cmd/. */
const clusterCommands: Record<string, string> = {
  server: './server.js',
  kubectl: './kubectl.js',
  agent: './agent.js',
};

/** Engine commands (daemonless, like podman), one module each under src/cmd/engine/. */
const engineCommands = [
  'build', 'run', 'ps', 'logs', 'exec', 'stop', 'kill', 'rm', 'inspect', 'images', 'rmi', 'tag',
  'history', 'system', 'pull', 'push', 'save', 'load', 'import', 'create', 'start', 'wait',
];

const usage = `skiff — a small Kubernetes-style container platform

Cluster:
  skiff server [--data-dir DIR] [--bind-address ADDR] [--port PORT] [--no-agent]
  skiff kubectl ARGS...            our kubectl (same verbs and output as kubectl)

Engine (daemonless, like podman):
  skiff build -t NAME[:TAG] [-f Dockerfile] CONTEXT
  skiff run [-d] [--rm] [--name N] IMAGE [CMD...]
  skiff ps | logs | exec | stop | kill | rm | inspect
  skiff images | rmi | tag | history | pull | push | save | load | import | system

Run 'skiff COMMAND --help' for a command's flags.
`;

/**
 * `skiff run` as one file (scripts/bundle-run-path.mjs, run by `npm run build`): loading one
 * file instead of ~30 modules saves ~20 ms of CPU per run. Used only while it is at least as
 * new as tsc's build info, i.e. made from the current dist/; otherwise the modules load.
 */
function freshRunBundle(): string | undefined {
  const bundle = new URL('./engine/run.bundle.mjs', import.meta.url);
  const built = statSync(bundle, { throwIfNoEntry: false });
  const compiled = statSync(new URL('../../.tsbuildinfo', import.meta.url), { throwIfNoEntry: false });
  return built && compiled && built.mtimeMs >= compiled.mtimeMs ? bundle.href : undefined;
}

export async function dispatch(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage);
    return name ? 0 : 1;
  }
  if (name === '--version' || name === 'version') {
    process.stdout.write('skiff 0.1.0\n');
    return 0;
  }
  if (name === 'run') {
    const bundle = freshRunBundle();
    if (bundle) return ((await import(bundle)) as CommandModule).main(rest);
  }
  let modulePath: string | undefined = clusterCommands[name];
  if (!modulePath && engineCommands.includes(name)) modulePath = `./engine/${name}.js`;
  if (!modulePath) {
    process.stderr.write(`skiff: unknown command "${name}"\n\n${usage}`);
    return 1;
  }
  const file = fileURLToPath(new URL(modulePath, import.meta.url));
  if (!existsSync(file)) {
    process.stderr.write(`skiff: command "${name}" is not available in this build\n`);
    return 1;
  }
  const mod = (await import(modulePath)) as CommandModule;
  return mod.main(rest);
}

dispatch(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`skiff: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
