/**
 * Metadata instructions (no filesystem change): how each one evolves the image's runtime
 * config, and the history line it leaves. Arguments arrive unexpanded; `expand` substitutes
 * variables as Docker does for that instruction.
 */
import { posix } from 'node:path';
import type { ImageRuntimeConfig } from '../types.js';
import type { Instruction } from './dockerfile/index.js';

export interface Expander {
  /** One word: variables substituted, quotes removed. */
  word(text: string): string;
  /** Several words split on unquoted whitespace. */
  words(text: string): string[];
}

export interface MetadataState {
  config: ImageRuntimeConfig;
  /** CMD was set in this stage (so a later ENTRYPOINT keeps it). */
  cmdSet: boolean;
}

export class InstructionError extends Error {}

export const DEFAULT_SHELL: readonly string[] = ['/bin/sh', '-c'];

export function shellOf(config: ImageRuntimeConfig): string[] {
  return config.Shell && config.Shell.length > 0 ? [...config.Shell] : [...DEFAULT_SHELL];
}

/** Sets or replaces KEY in a `KEY=value` list, keeping order (Docker's Env semantics). */
export function setEnv(env: readonly string[] | undefined, key: string, value: string): string[] {
  const out = [...(env ?? [])];
  const i = out.findIndex((e) => e === key || e.startsWith(`${key}=`));
  if (i >= 0) out[i] = `${key}=${value}`; else out.push(`${key}=${value}`);
  return out;
}

export function envLookup(env: readonly string[] | undefined, key: string): string | undefined {
  for (const e of env ?? []) {
    const eq = e.indexOf('=');
    if (eq < 0 ? e === key : e.slice(0, eq) === key) return eq < 0 ? '' : e.slice(eq + 1);
  }
  return undefined;
}

/** `80`, `80/udp`, `8000-8002/tcp` -> `80/tcp` keys, as Docker's nat.ParsePortSpecs. */
export function parseExposedPorts(specs: readonly string[]): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    const m = /^(\d+)(?:-(\d+))?(?:\/([A-Za-z]+))?$/.exec(spec);
    if (!m) throw new InstructionError(`invalid containerPort: ${spec}`);
    const proto = (m[3] ?? 'tcp').toLowerCase();
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new InstructionError(`invalid proto: ${m[3]}`);
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    if (start < 0 || end > 65535 || end < start) throw new InstructionError(`invalid range for port: ${spec}`);
    for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  }
  return out;
}

const SIGNALS = new Set(['ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL', 'PIPE', 'POLL',
  'PROF', 'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'USR1', 'USR2', 'VTALRM',
  'WINCH', 'XCPU', 'XFSZ']);

export function checkStopSignal(signal: string): void {
  if (/^\d+$/.test(signal) && Number(signal) > 0 && Number(signal) < 65) return;
  const name = signal.toUpperCase().replace(/^SIG/, '');
  if (SIGNALS.has(name) || /^RTMIN(\+\d+)?$|^RTMAX(-\d+)?$/.test(name)) return;
  throw new InstructionError(`invalid signal: ${signal}`);
}

/** Go's %q of a string slice, as BuildKit writes CMD/ENTRYPOINT/SHELL into history. */
function quotedList(items: readonly string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** CMD/ENTRYPOINT: exec form as is; shell form wrapped in SHELL, unexpanded (the shell expands it at run time). */
function commandForm(ins: { exec?: readonly string[]; shell?: string }, config: ImageRuntimeConfig): string[] {
  if (ins.exec) return [...ins.exec];
  return [...shellOf(config), ins.shell ?? ''];
}

function durationText(ns: number | undefined): string {
  return ns === undefined ? '0s' : `${ns / 1e9}s`;
}

/**
 * Applies one metadata instruction to the state and returns its history `created_by`
 * (BuildKit's wording). RUN, COPY, ADD, FROM and ARG are not handled here.
 */
export function applyMetadata(ins: Instruction, state: MetadataState, expand: Expander): string {
  const c = state.config;
  switch (ins.kind) {
    case 'env': {
      // Every pair is expanded with the environment from before this instruction, as Docker
      // does: `ENV a=bye b=$a` gives b the old a.
      const pairs = ins.pairs.map(([rawKey, rawValue]) => [expand.word(rawKey), expand.word(rawValue)] as const);
      for (const [key, value] of pairs) c.Env = setEnv(c.Env, key, value);
      return `ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
    }
    case 'label': {
      const labels = { ...(c.Labels ?? {}) };
      const parts: string[] = [];
      for (const [rawKey, rawValue] of ins.pairs) {
        const key = expand.word(rawKey);
        const value = expand.word(rawValue);
        labels[key] = value;
        parts.push(`${key}=${value}`);
      }
      c.Labels = labels;
      return `LABEL ${parts.join(' ')}`;
    }
    case 'maintainer': {
      // Deprecated; kept as the `maintainer` label, which is what Docker suggests instead.
      c.Labels = { ...(c.Labels ?? {}), maintainer: ins.maintainer };
      return `MAINTAINER ${ins.maintainer}`;
    }
    case 'workdir': {
      const path = expand.word(ins.path);
      c.WorkingDir = posix.resolve(c.WorkingDir || '/', path);
      return `WORKDIR ${c.WorkingDir}`;
    }
    case 'user': {
      c.User = expand.word(ins.user);
      return `USER ${c.User}`;
    }
    case 'expose': {
      const ports = { ...(c.ExposedPorts ?? {}) };
      const added = parseExposedPorts(ins.ports.flatMap((p) => expand.words(p)));
      for (const p of added) ports[p] = {};
      c.ExposedPorts = ports;
      return `EXPOSE map[${[...new Set(added)].sort().map((p) => `${p}:{}`).join(' ')}]`;
    }
    case 'volume': {
      const volumes = { ...(c.Volumes ?? {}) };
      const paths = ins.paths.flatMap((p) => expand.words(p)).filter((p) => p !== '');
      if (paths.length === 0) throw new InstructionError('VOLUME specified can not be an empty string');
      for (const p of paths) volumes[p] = {};
      c.Volumes = volumes;
      return `VOLUME [${paths.join(' ')}]`;
    }
    case 'stopsignal': {
      const signal = expand.word(ins.signal);
      checkStopSignal(signal);
      c.StopSignal = signal;
      return `STOPSIGNAL ${signal}`;
    }
    case 'shell': {
      c.Shell = [...ins.args];
      return `SHELL ${quotedList(ins.args)}`;
    }
    case 'cmd': {
      c.Cmd = commandForm(ins, c);
      state.cmdSet = true;
      return `CMD ${quotedList(c.Cmd)}`;
    }
    case 'entrypoint': {
      c.Entrypoint = commandForm(ins, c);
      // An inherited CMD was meant for the old entrypoint: drop it, as Docker does.
      if (!state.cmdSet) c.Cmd = null;
      return `ENTRYPOINT ${quotedList(c.Entrypoint)}`;
    }
    case 'healthcheck': {
      if (ins.none) {
        c.Healthcheck = { Test: ['NONE'] };
        return 'HEALTHCHECK NONE';
      }
      c.Healthcheck = {
        Test: [...ins.test],
        ...(ins.interval !== undefined ? { Interval: ins.interval } : {}),
        ...(ins.timeout !== undefined ? { Timeout: ins.timeout } : {}),
        ...(ins.startPeriod !== undefined ? { StartPeriod: ins.startPeriod } : {}),
        ...(ins.retries !== undefined ? { Retries: ins.retries } : {}),
      };
      return `HEALTHCHECK &{${quotedList(ins.test)} "${durationText(ins.interval)}" "${durationText(ins.timeout)}" "${durationText(ins.startPeriod)}" ${ins.retries ?? 0}}`;
    }
    case 'onbuild': {
      // Stored as written; the trigger is parsed and expanded when a child build runs it.
      const trigger = ins.trigger.replace(/^(\S+)/, (kw) => kw.toUpperCase());
      c.OnBuild = [...(c.OnBuild ?? []), trigger];
      return `ONBUILD ${trigger}`;
    }
    default:
      throw new Error(`applyMetadata: ${ins.kind} is not a metadata instruction`);
  }
}
