/**
 * Command-line parsing as kubectl (cobra/pflag) does it: flags anywhere on the line,
 * `--flag=value`, `--flag value`, `-n value`, `-nvalue`, `-n=value`, grouped boolean
 * shorthands (`-it`), repeatable flags, and `--` ending flag parsing.
 */

export type FlagType = 'bool' | 'string' | 'array';

export interface FlagSpec {
  type: FlagType;
  short?: string;
  default?: string | boolean;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface ParsedArgs {
  positional: string[];
  /** Flag values by long name; arrays for repeatable flags. */
  flags: Map<string, string | boolean | string[]>;
  /** Long names the user gave explicitly. */
  changed: Set<string>;
  /** Everything after `--`. */
  rest: string[];
}

/** A misuse kubectl reports with `See 'kubectl VERB -h' for help and examples`. */
export class UsageError extends Error {}

/** A flag that cannot be parsed; cobra reports it as `Error: ...` plus a --help hint. */
export class FlagError extends Error {}

/** Flags every command accepts (kubectl's global flags). */
export const globalFlags: FlagSpecs = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  cluster: { type: 'string' },
  user: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  server: { type: 'string', short: 's' },
  token: { type: 'string' },
  'insecure-skip-tls-verify': { type: 'bool' },
  'request-timeout': { type: 'string' },
  v: { type: 'string', short: 'v' },
  'as': { type: 'string' },
  'certificate-authority': { type: 'string' },
  'client-certificate': { type: 'string' },
  'client-key': { type: 'string' },
  'cache-dir': { type: 'string' },
  'match-server-version': { type: 'bool' },
  'warnings-as-errors': { type: 'bool' },
};

export function parseArgs(argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const all: FlagSpecs = { ...globalFlags, ...specs };
  const byShort = new Map<string, string>();
  for (const [name, spec] of Object.entries(all)) if (spec.short) byShort.set(spec.short, name);
  const parsed: ParsedArgs = { positional: [], flags: new Map(), changed: new Set(), rest: [] };
  for (const [name, spec] of Object.entries(all)) {
    if (spec.default !== undefined) parsed.flags.set(name, spec.default);
    else if (spec.type === 'bool') parsed.flags.set(name, false);
    else if (spec.type === 'array') parsed.flags.set(name, []);
  }
  const set = (name: string, value: string | boolean): void => {
    const spec = all[name];
    if (!spec) throw new FlagError(`unknown flag: --${name}`);
    if (spec.type === 'array') {
      const prev = parsed.changed.has(name) ? (parsed.flags.get(name) as string[]) : [];
      parsed.flags.set(name, [...prev, ...String(value).split(',')]);
    } else {
      parsed.flags.set(name, value);
    }
    parsed.changed.add(name);
  };
  const boolValue = (name: string, v: string): boolean => {
    if (v === 'true' || v === '1' || v === 'True' || v === 'TRUE' || v === 't') return true;
    if (v === 'false' || v === '0' || v === 'False' || v === 'FALSE' || v === 'f') return false;
    throw new FlagError(`invalid argument "${v}" for "--${name}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') { parsed.rest = argv.slice(i + 1); break; }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      const spec = all[name];
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      if (spec.type === 'bool') set(name, eq >= 0 ? boolValue(name, arg.slice(eq + 1)) : true);
      else if (eq >= 0) set(name, arg.slice(eq + 1));
      else {
        if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
        set(name, argv[++i] ?? '');
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const c = arg[j] ?? '';
        const name = byShort.get(c);
        if (!name) throw new FlagError(`unknown shorthand flag: '${c}' in ${arg}`);
        const spec = all[name] as FlagSpec;
        if (spec.type === 'bool') {
          if (arg[j + 1] === '=') { set(name, boolValue(name, arg.slice(j + 2))); break; }
          set(name, true);
          continue;
        }
        let value = arg.slice(j + 1);
        if (value.startsWith('=')) value = value.slice(1);
        if (value === '') {
          if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
          value = argv[++i] ?? '';
        }
        set(name, value);
        break;
      }
      continue;
    }
    parsed.positional.push(arg);
  }
  return parsed;
}

export function flagString(p: ParsedArgs, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function flagBool(p: ParsedArgs, name: string): boolean {
  return p.flags.get(name) === true;
}

export function flagArray(p: ParsedArgs, name: string): string[] {
  const v = p.flags.get(name);
  return Array.isArray(v) ? v : [];
}

/** Finds the command words (e.g. `config view`) before parsing its flags. */
export function splitCommand(argv: readonly string[]): { verb: string | undefined; index: number } {
  const valueTaking = new Set<string>();
  for (const [name, spec] of Object.entries(globalFlags)) {
    if (spec.type !== 'bool') { valueTaking.add(`--${name}`); if (spec.short) valueTaking.add(`-${spec.short}`); }
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') return { verb: undefined, index: -1 };
    if (a.startsWith('-')) {
      if (valueTaking.has(a)) i++;
      continue;
    }
    return { verb: a, index: i };
  }
  return { verb: undefined, index: -1 };
}
