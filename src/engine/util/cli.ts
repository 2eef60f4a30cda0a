/**
 * Helpers for the engine's image commands: argument parsing by hand (commands must start
 * fast), and Docker's human formats for sizes, ages and tables.
 */
import { defaultEngineRoot } from '../types.js';

export interface ParsedArgs {
  root: string;
  /** Flags seen, by their canonical long name; repeated flags collect all values. */
  flags: Map<string, string[]>;
  positionals: string[];
}

export interface FlagSpec {
  /** Canonical name, e.g. 'force'. */
  name: string;
  short?: string;
  /** Takes a value (`-o FILE`, `--output=FILE`). */
  value?: boolean;
}

export class UsageError extends Error {
  readonly code = 'USAGE';
}

/** Parses `argv` against the flags; `--root DIR` is accepted by every command. */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], env: NodeJS.ProcessEnv = process.env): ParsedArgs {
  const all: FlagSpec[] = [...specs, { name: 'root', value: true }, { name: 'help', short: 'h' }];
  const flags = new Map<string, string[]>();
  const positionals: string[] = [];
  const add = (spec: FlagSpec, value: string): void => { flags.set(spec.name, [...(flags.get(spec.name) ?? []), value]); };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq < 0 ? undefined : eq);
      const spec = all.find((s) => s.name === name);
      if (!spec) throw new UsageError(`unknown flag: --${name}`);
      if (spec.value) {
        const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`flag needs an argument: --${name}`);
        add(spec, value);
      } else {
        add(spec, eq >= 0 ? arg.slice(eq + 1) : 'true');
      }
    } else if (arg.startsWith('-') && arg !== '-') {
      // Bundled short flags: -af, -o FILE, -oFILE.
      for (let j = 1; j < arg.length; j++) {
        const spec = all.find((s) => s.short === arg[j]);
        if (!spec) throw new UsageError(`unknown shorthand flag: '${arg[j]}' in ${arg}`);
        if (spec.value) {
          const value = j + 1 < arg.length ? arg.slice(j + 1) : argv[++i];
          if (value === undefined) throw new UsageError(`flag needs an argument: '${arg[j]}' in ${arg}`);
          add(spec, value);
          break;
        }
        add(spec, 'true');
      }
    } else {
      positionals.push(arg);
    }
  }
  const root = flags.get('root')?.at(-1) ?? defaultEngineRoot(env);
  return { root, flags, positionals };
}

export function flagBool(args: ParsedArgs, name: string): boolean {
  const v = args.flags.get(name)?.at(-1);
  return v !== undefined && v !== 'false';
}

export function flagValue(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.at(-1);
}

/** Docker's size format: three significant digits, decimal units (`4.26MB`, `0B`). */
export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
  return `${Number(value.toPrecision(3))}${units[unit]}`;
}

/** Docker's age format (`2 weeks ago`, `About an hour ago`). */
export function humanAge(isoTime: string | undefined, now: number = Date.now()): string {
  if (!isoTime) return 'N/A';
  const ms = now - Date.parse(isoTime);
  if (!Number.isFinite(ms)) return 'N/A';
  const seconds = Math.floor(ms / 1000);
  let text: string;
  if (seconds < 1) text = 'Less than a second';
  else if (seconds === 1) text = '1 second';
  else if (seconds < 60) text = `${seconds} seconds`;
  else {
    const minutes = Math.floor(ms / 60_000);
    const hours = Math.floor(ms / 3_600_000 + 0.5);
    if (minutes === 1) text = 'About a minute';
    else if (minutes < 60) text = `${minutes} minutes`;
    else if (hours === 1) text = 'About an hour';
    else if (hours < 48) text = `${hours} hours`;
    else if (hours < 24 * 7 * 2) text = `${Math.floor(hours / 24)} days`;
    else if (hours < 24 * 30 * 2) text = `${Math.floor(hours / 24 / 7)} weeks`;
    else if (hours < 24 * 365 * 2) text = `${Math.floor(hours / 24 / 30)} months`;
    else text = `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
  }
  return `${text} ago`;
}

/** Columns as Docker's tabwriter lays them out (min width 10, padding 3). */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length + 3, 10); });
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('').trimEnd() + '\n').join('');
}

/** Shortens like Docker's Ellipsis: at most `max` characters, ending in `…` when cut. */
export function ellipsis(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Runs a command body, printing expected failures as `Error: message` with exit code 1 (125 for usage). */
export async function runCommand(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err: unknown) {
    process.stderr.write(`Error: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof UsageError ? 125 : 1;
  }
}
