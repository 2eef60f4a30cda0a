/**
 * Shared bits of the container commands (src/cmd/engine/*): argument parsing for the simple
 * ones, and podman's error convention (`Error: ...`, exit code 125).
 */
import { defaultEngineRoot } from '../types.js';
import { RuntimeError } from './errors.js';

export interface SimpleArgs {
  root: string;
  /** Flag name -> values (booleans as 'true'). */
  flags: Map<string, string[]>;
  positionals: string[];
}

export interface SimpleFlag {
  name: string;
  short?: string;
  value?: boolean;
}

/**
 * Parses `argv`; with `stopAtPositional` flags end at the first positional plus `positionalsBeforeStop`
 * more (for `exec CTR CMD...`, where the command keeps its own flags).
 */
export function parseSimpleArgs(argv: readonly string[], specs: readonly SimpleFlag[], options: { stopAfterPositionals?: number } = {}, env: NodeJS.ProcessEnv = process.env): SimpleArgs {
  const all = [...specs, { name: 'root', value: true }, { name: 'help', short: 'h' }];
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  const add = (name: string, value: string): void => { flags.set(name, [...(flags.get(name) ?? []), value]); };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (options.stopAfterPositionals !== undefined && positionals.length >= options.stopAfterPositionals) { positionals.push(...argv.slice(i)); break; }
    if (arg === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = all.find((s) => s.name === name);
      if (!spec) throw new RuntimeError('INVALID_ARGUMENT', `unknown flag: --${name}`);
      const value = spec.value ? (eq >= 0 ? arg.slice(eq + 1) : argv[++i]) : (eq >= 0 ? arg.slice(eq + 1) : 'true');
      if (value === undefined) throw new RuntimeError('INVALID_ARGUMENT', `flag needs an argument: --${name}`);
      add(spec.name, value);
    } else if (arg.startsWith('-') && arg !== '-' && !/^-\d+$/.test(arg)) {
      for (let j = 1; j < arg.length; j++) {
        const spec = all.find((s) => s.short === arg[j]);
        if (!spec) throw new RuntimeError('INVALID_ARGUMENT', `unknown shorthand flag: '${arg[j]}' in ${arg}`);
        if (spec.value) {
          const value = j + 1 < arg.length ? arg.slice(j + 1) : argv[++i];
          if (value === undefined) throw new RuntimeError('INVALID_ARGUMENT', `flag needs an argument: '${arg[j]}' in ${arg}`);
          add(spec.name, value);
          break;
        }
        add(spec.name, 'true');
      }
    } else {
      positionals.push(arg);
    }
  }
  return { root: flags.get('root')?.at(-1) ?? defaultEngineRoot(env), flags, positionals };
}

export function hasFlag(args: SimpleArgs, name: string): boolean {
  const v = args.flags.get(name)?.at(-1);
  return v !== undefined && v !== 'false';
}

export function flag(args: SimpleArgs, name: string): string | undefined {
  return args.flags.get(name)?.at(-1);
}

/** Runs a command body; expected failures print `Error: message` and exit 125, as podman does. */
export async function containerCommand(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err: unknown) {
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 125;
  }
}

/** Runs `each` for every named container, printing errors and going on; exit 125 if any failed. */
export async function forEachContainer(refs: readonly string[], each: (ref: string) => Promise<void>): Promise<number> {
  let failed = false;
  for (const ref of refs) {
    try {
      await each(ref);
    } catch (err: unknown) {
      failed = true;
      process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  return failed ? 125 : 0;
}
