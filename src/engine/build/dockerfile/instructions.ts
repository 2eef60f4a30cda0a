/**
 * Instruction nodes -> typed instructions grouped into stages. Arguments stay as written
 * (unexpanded): variables are substituted while building, when ARG and ENV values are known
 * (see expand.ts). Every error names the Dockerfile line.
 */
import { DockerfileError } from './errors.js';
import type { Heredoc, InstructionNode, ParsedDockerfile } from './parser.js';

interface Base { readonly line: number; readonly node: InstructionNode }

export type ArgDefinition = { readonly name: string; readonly defaultValue?: string };
export type KeyValue = readonly [key: string, value: string];

export type Instruction =
  | Base & { readonly kind: 'from'; readonly image: string; readonly stageName?: string; readonly platform?: string }
  | Base & { readonly kind: 'run'; readonly exec?: readonly string[]; readonly shell?: string; readonly heredocs: readonly Heredoc[]; readonly mounts: readonly string[]; readonly network?: string; readonly security?: string }
  | Base & { readonly kind: 'copy' | 'add'; readonly sources: readonly string[]; readonly dest: string; readonly from?: string; readonly chown?: string; readonly chmod?: string; readonly link: boolean; readonly heredocs: readonly Heredoc[]; readonly checksum?: string; readonly keepGitDir?: boolean; readonly excludes: readonly string[]; readonly parents: boolean }
  | Base & { readonly kind: 'env' | 'label'; readonly pairs: readonly KeyValue[] }
  | Base & { readonly kind: 'arg'; readonly args: readonly ArgDefinition[] }
  | Base & { readonly kind: 'workdir'; readonly path: string }
  | Base & { readonly kind: 'cmd' | 'entrypoint'; readonly exec?: readonly string[]; readonly shell?: string }
  | Base & { readonly kind: 'expose'; readonly ports: readonly string[] }
  | Base & { readonly kind: 'user'; readonly user: string }
  | Base & { readonly kind: 'volume'; readonly paths: readonly string[] }
  | Base & { readonly kind: 'healthcheck'; readonly none: true }
  | Base & { readonly kind: 'healthcheck'; readonly none: false; readonly test: readonly string[]; readonly interval?: number; readonly timeout?: number; readonly startPeriod?: number; readonly startInterval?: number; readonly retries?: number }
  | Base & { readonly kind: 'shell'; readonly args: readonly string[] }
  | Base & { readonly kind: 'stopsignal'; readonly signal: string }
  | Base & { readonly kind: 'onbuild'; readonly trigger: string }
  | Base & { readonly kind: 'maintainer'; readonly maintainer: string };

export type InstructionKind = Instruction['kind'];

export interface Stage {
  /** Position in the file, 0-based. */
  readonly index: number;
  /** `AS name`, lower-cased as BuildKit compares them; undefined when unnamed. */
  readonly name?: string;
  readonly from: Extract<Instruction, { kind: 'from' }>;
  readonly instructions: readonly Instruction[];
}

export interface DockerfileProgram {
  readonly file: string;
  readonly escape: string;
  /** ARG instructions before the first FROM (usable in FROM lines). */
  readonly globalArgs: readonly ArgDefinition[];
  readonly stages: readonly Stage[];
}

const ALLOWED_FLAGS: Record<string, readonly string[]> = {
  from: ['platform'],
  run: ['mount', 'network', 'security'],
  copy: ['from', 'chown', 'chmod', 'link', 'exclude', 'parents'],
  add: ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude'],
  healthcheck: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};

export function buildProgram(parsed: ParsedDockerfile): DockerfileProgram {
  const file = parsed.file;
  const globalArgs: ArgDefinition[] = [];
  const stages: Stage[] = [];
  let current: { name?: string; from: Extract<Instruction, { kind: 'from' }>; instructions: Instruction[] } | undefined;
  const names = new Set<string>();

  for (const node of parsed.nodes) {
    const ins = toInstruction(node, file, parsed.directives.escape);
    if (ins.kind === 'from') {
      if (current) stages.push({ index: stages.length, ...current });
      if (ins.stageName !== undefined) {
        if (names.has(ins.stageName)) throw new DockerfileError(file, ins.line, `duplicate stage name "${ins.stageName}"`);
        names.add(ins.stageName);
      }
      current = { from: ins, instructions: [], ...(ins.stageName !== undefined ? { name: ins.stageName } : {}) };
      continue;
    }
    if (!current) {
      if (ins.kind === 'arg') { globalArgs.push(...ins.args); continue; }
      throw new DockerfileError(file, ins.line, `no FROM before ${node.keyword.toUpperCase()}: a Dockerfile must begin with FROM (only ARG may come before it)`);
    }
    current.instructions.push(ins);
  }
  if (current) stages.push({ index: stages.length, ...current });
  if (stages.length === 0) throw new DockerfileError(file, 1, 'the Dockerfile has no FROM instruction');
  return { file, escape: parsed.directives.escape, globalArgs, stages };
}

/** Parses one instruction (also used for ONBUILD triggers). */
export function toInstruction(node: InstructionNode, file: string, escape: string): Instruction {
  const line = node.startLine;
  const fail = (msg: string): never => { throw new DockerfileError(file, line, msg); };
  const kw = node.keyword;
  const flags = parseFlags(node, file);
  const allowed = ALLOWED_FLAGS[kw] ?? [];
  for (const name of flags.keys()) {
    if (!allowed.includes(name)) fail(`unknown flag: --${name} for ${kw.toUpperCase()}`);
  }
  const flag = (name: string): string | undefined => flags.get(name)?.at(-1);
  const base = { line, node };
  const requireArgs = (): void => { if (node.rest === '' && node.heredocs.length === 0) fail(`${kw.toUpperCase()} requires at least one argument`); };

  switch (kw) {
    case 'from': {
      requireArgs();
      const words = splitRawWords(node.rest, escape);
      let stageName: string | undefined;
      if (words.length === 3 && words[1]!.toLowerCase() === 'as') {
        stageName = words[2]!.toLowerCase();
        if (!/^[a-z][a-z0-9-_.]*$/.test(stageName)) fail(`invalid name for build stage: "${words[2]}", name can't start with a number or contain symbols`);
      } else if (words.length !== 1) {
        fail('FROM requires either one or three arguments: FROM <image> [AS <name>]');
      }
      const platform = flag('platform');
      return { ...base, kind: 'from', image: words[0]!, ...(stageName !== undefined ? { stageName } : {}), ...(platform !== undefined ? { platform } : {}) };
    }
    case 'run': {
      requireArgs();
      const network = flag('network');
      const security = flag('security');
      const common = { ...base, kind: 'run' as const, heredocs: node.heredocs, mounts: flags.get('mount') ?? [], ...(network !== undefined ? { network } : {}), ...(security !== undefined ? { security } : {}) };
      return node.json ? { ...common, exec: node.json } : { ...common, shell: node.rest };
    }
    case 'copy': case 'add': {
      requireArgs();
      const words = node.json ? [...node.json] : splitRawWords(node.rest, escape);
      const heredocNames = new Set(node.heredocs.map((h) => h.name));
      const items = words.filter((w) => !isHeredocWord(w, heredocNames));
      if (items.length < 1 || (items.length < 2 && node.heredocs.length === 0)) fail(`${kw.toUpperCase()} requires at least two arguments, but got ${items.length}`);
      const dest = items.at(-1)!;
      const sources = items.slice(0, -1);
      const out = {
        ...base, kind: kw, sources, dest, heredocs: node.heredocs,
        link: flags.has('link') && flag('link') !== 'false',
        excludes: flags.get('exclude') ?? [],
        parents: flags.has('parents') && flag('parents') !== 'false',
      } as const;
      const from = flag('from'); const chown = flag('chown'); const chmod = flag('chmod'); const checksum = flag('checksum');
      if (chmod !== undefined && !/^[0-7]{3,4}$/.test(chmod) && !/^[ugoa]*[+=-][rwxXst]*(,[ugoa]*[+=-][rwxXst]*)*$/.test(chmod)) fail(`invalid --chmod value "${chmod}": use an octal mode like 0755`);
      return {
        ...out,
        ...(from !== undefined ? { from } : {}), ...(chown !== undefined ? { chown } : {}), ...(chmod !== undefined ? { chmod } : {}),
        ...(checksum !== undefined ? { checksum } : {}), ...(flags.has('keep-git-dir') ? { keepGitDir: flag('keep-git-dir') !== 'false' } : {}),
      };
    }
    case 'env': case 'label': {
      requireArgs();
      return { ...base, kind: kw, pairs: parseKeyValues(node.rest, escape, kw, fail) };
    }
    case 'arg': {
      requireArgs();
      const args = splitRawWords(node.rest, escape).map((w): ArgDefinition => {
        const eq = w.indexOf('=');
        if (eq < 0) return { name: w };
        return { name: w.slice(0, eq), defaultValue: w.slice(eq + 1) };
      });
      for (const a of args) if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(a.name)) fail(`invalid ARG name "${a.name}"`);
      return { ...base, kind: 'arg', args };
    }
    case 'workdir': requireArgs(); return { ...base, kind: 'workdir', path: node.rest };
    case 'user': requireArgs(); return { ...base, kind: 'user', user: node.rest };
    case 'stopsignal': requireArgs(); return { ...base, kind: 'stopsignal', signal: node.rest };
    case 'maintainer': requireArgs(); return { ...base, kind: 'maintainer', maintainer: node.rest };
    case 'cmd': case 'entrypoint': {
      if (node.json) return { ...base, kind: kw, exec: node.json };
      return { ...base, kind: kw, shell: node.rest };
    }
    case 'expose': requireArgs(); return { ...base, kind: 'expose', ports: splitRawWords(node.rest, escape) };
    case 'volume': {
      requireArgs();
      const paths = node.json ? [...node.json] : splitRawWords(node.rest, escape);
      if (paths.some((p) => p.trim() === '')) fail('VOLUME specified can not be an empty string');
      return { ...base, kind: 'volume', paths };
    }
    case 'shell': {
      if (!node.json || node.json.length === 0) fail('SHELL requires the arguments to be in JSON form, e.g. SHELL ["/bin/sh", "-c"]');
      return { ...base, kind: 'shell', args: node.json! };
    }
    case 'onbuild': {
      requireArgs();
      const trigger = /^(\S+)/.exec(node.rest)![1]!.toLowerCase();
      if (trigger === 'onbuild') fail('chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (trigger === 'from' || trigger === 'maintainer') fail(`${trigger.toUpperCase()} isn't allowed as an ONBUILD trigger`);
      if (!KNOWN.has(trigger)) fail(`unknown instruction: ${trigger.toUpperCase()} in ONBUILD`);
      return { ...base, kind: 'onbuild', trigger: node.rest };
    }
    case 'healthcheck': {
      requireArgs();
      const [type, ...restWords] = node.rest.split(/\s+/);
      const upper = (type ?? '').toUpperCase();
      if (upper === 'NONE') {
        if (restWords.length > 0 || flags.size > 0) fail('HEALTHCHECK NONE takes no arguments');
        return { ...base, kind: 'healthcheck', none: true };
      }
      if (upper !== 'CMD') fail(`unknown type "${type}" in HEALTHCHECK (try CMD)`);
      const cmdText = node.rest.slice(type!.length).trim();
      if (cmdText === '') fail('missing command after HEALTHCHECK CMD');
      let test: string[];
      if (cmdText.startsWith('[')) {
        let parsed: unknown;
        try { parsed = JSON.parse(cmdText); } catch { parsed = undefined; }
        test = Array.isArray(parsed) && parsed.every((x) => typeof x === 'string') ? ['CMD', ...(parsed as string[])] : ['CMD-SHELL', cmdText];
      } else {
        test = ['CMD-SHELL', cmdText];
      }
      const dur = (name: string): number | undefined => {
        const v = flag(name);
        if (v === undefined) return undefined;
        const ns = parseGoDuration(v);
        if (ns === undefined) fail(`invalid --${name} duration "${v}" (examples: 30s, 1m30s, 500ms)`);
        return ns;
      };
      const retriesText = flag('retries');
      let retries: number | undefined;
      if (retriesText !== undefined) {
        retries = Number(retriesText);
        if (!Number.isInteger(retries) || retries < 0) fail(`invalid --retries value "${retriesText}": must be a non-negative integer`);
      }
      const interval = dur('interval'); const timeout = dur('timeout'); const startPeriod = dur('start-period'); const startInterval = dur('start-interval');
      return {
        ...base, kind: 'healthcheck', none: false, test,
        ...(interval !== undefined ? { interval } : {}), ...(timeout !== undefined ? { timeout } : {}),
        ...(startPeriod !== undefined ? { startPeriod } : {}), ...(startInterval !== undefined ? { startInterval } : {}),
        ...(retries !== undefined ? { retries } : {}),
      };
    }
    default:
      return fail(`unknown instruction: ${node.keyword.toUpperCase()}`);
  }
}

const KNOWN = new Set(['add', 'arg', 'cmd', 'copy', 'entrypoint', 'env', 'expose', 'healthcheck', 'label', 'run', 'shell', 'stopsignal', 'user', 'volume', 'workdir']);

function isHeredocWord(word: string, names: ReadonlySet<string>): boolean {
  const m = /^<<-?(['"]?)([^'"]+)\1$/.exec(word);
  return m !== null && names.has(m[2]!);
}

function parseFlags(node: InstructionNode, file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const f of node.flags) {
    const eq = f.indexOf('=');
    const name = eq < 0 ? f : f.slice(0, eq);
    let value = eq < 0 ? '' : f.slice(eq + 1);
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    if (eq < 0 && !['link', 'keep-git-dir', 'parents'].includes(name)) {
      throw new DockerfileError(file, node.startLine, `flag --${name} needs a value (--${name}=VALUE)`);
    }
    const list = out.get(name) ?? [];
    list.push(eq < 0 ? 'true' : value);
    out.set(name, list);
  }
  return out;
}

/** Splits on unquoted whitespace, keeping quotes and escapes (they are processed on expansion). */
export function splitRawWords(text: string, escape: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === escape && i + 1 < text.length && quote !== "'") { word += ch + text[i + 1]!; i++; inWord = true; continue; }
    if (quote) { word += ch; if (ch === quote) quote = undefined; continue; }
    if (ch === '"' || ch === "'") { quote = ch; word += ch; inWord = true; continue; }
    if (/\s/.test(ch)) { if (inWord) words.push(word); word = ''; inWord = false; continue; }
    word += ch; inWord = true;
  }
  if (inWord) words.push(word);
  return words;
}

/** ENV/LABEL: `k=v k2="v 2"`, or the legacy `ENV key value with spaces`. */
function parseKeyValues(rest: string, escape: string, kw: string, fail: (m: string) => never): KeyValue[] {
  const words = splitRawWords(rest, escape);
  const first = words[0] ?? '';
  if (!first.includes('=')) {
    if (kw === 'label') fail(`LABEL requires key=value pairs (got "${first}")`);
    const value = rest.slice(rest.indexOf(first) + first.length).trim();
    if (value === '') fail(`ENV must have two arguments: ENV ${first} needs a value (or use ENV ${first}=)`);
    return [[first, value]];
  }
  return words.map((w): KeyValue => {
    const eq = w.indexOf('=');
    if (eq <= 0) fail(`${kw.toUpperCase()} names can not be blank, and every word must be key=value (got "${w}")`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}

/** Go's time.ParseDuration, to nanoseconds; undefined when malformed. */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  const units: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) { total += Number(m[1]) * units[m[2]!]!; matched = re.lastIndex; }
  return matched === text.length && matched > 0 ? Math.round(total) : undefined;
}
