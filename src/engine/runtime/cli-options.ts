/**
 * Flags of `skiff run` and `skiff create`, parsed by hand (commands must start fast) and
 * Docker-style: flags end at the image name; what follows is the container's command.
 */
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { defaultEngineRoot } from '../types.js';
import { parseNetworkMode } from '../network/index.js';
import type { CreateOptions } from './create.js';
import type { ContainerSecurity, PortMapping, VolumeMount } from './record.js';
import { processBoundingSet, tweakCapabilities } from './capabilities.js';
import { profileFromJson } from './seccomp.js';
import { defaultCapabilities } from './spec.js';
import { parseMemory } from './cgroup.js';
import { RuntimeError } from './errors.js';

export interface RunFlags {
  root: string;
  detach: boolean;
  help: boolean;
  create: CreateOptions;
}

type Setter = (value: string) => void;

export function parseVolume(spec: string): VolumeMount {
  const parts = spec.split(':');
  const [source, destination, mode] = parts;
  if (parts.length < 2 || parts.length > 3 || !source || !destination) throw new RuntimeError('INVALID_ARGUMENT', `invalid volume specification "${spec}": use HOST:CONTAINER[:ro]`);
  if (!source.startsWith('/') && !source.startsWith('.')) throw new RuntimeError('INVALID_ARGUMENT', `invalid volume "${spec}": named volumes are not supported, give a host path`);
  if (!destination.startsWith('/')) throw new RuntimeError('INVALID_ARGUMENT', `invalid container path "${destination}": must be absolute`);
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw') throw new RuntimeError('INVALID_ARGUMENT', `invalid mode "${mode}" in volume "${spec}"`);
  return { source: resolvePath(source), destination, readOnly: mode === 'ro' };
}

export function parsePort(spec: string): PortMapping {
  const [portPart = '', protoPart = 'tcp'] = spec.split('/');
  const fields = portPart.split(':');
  const containerPort = Number(fields.at(-1));
  const hostPort = fields.length >= 2 ? Number(fields.at(-2)) : containerPort;
  const hostIp = fields.length === 3 ? fields[0]! : '';
  if (!Number.isInteger(containerPort) || !Number.isInteger(hostPort) || containerPort < 1 || containerPort > 65535 || hostPort < 1 || hostPort > 65535 || (protoPart !== 'tcp' && protoPart !== 'udp')) {
    throw new RuntimeError('INVALID_ARGUMENT', `invalid port specification "${spec}": use [IP:]HOST:CONTAINER[/tcp|udp]`);
  }
  return { hostIp, hostPort, containerPort, protocol: protoPart };
}

/** What the security flags asked for, turned into the container's settings once all are read. */
interface SecurityFlags { privileged: boolean; readOnly: boolean; capAdd: string[]; capDrop: string[]; seccomp?: string; noNewPrivileges?: boolean }

/** `--security-opt`: seccomp=unconfined|FILE, no-new-privileges[=|:true|false]. */
function applySecurityOpt(value: string, sec: SecurityFlags): void {
  const sep = value.search(/[=:]/);
  const key = sep < 0 ? value : value.slice(0, sep);
  const arg = sep < 0 ? undefined : value.slice(sep + 1);
  if (key === 'no-new-privileges') {
    if (arg !== undefined && arg !== 'true' && arg !== 'false') throw new RuntimeError('INVALID_ARGUMENT', `invalid --security-opt 2: "${value}"`);
    sec.noNewPrivileges = arg !== 'false';
  } else if (key === 'seccomp' && sep >= 0 && value[sep] === '=' && arg) sec.seccomp = arg;
  else throw new RuntimeError('INVALID_ARGUMENT', `unsupported --security-opt "${value}": skiff knows seccomp=unconfined|PROFILE.json and no-new-privileges (no AppArmor or SELinux labels)`);
}

/** The container's security settings from the flags (undefined: all Docker's defaults). */
function securityFrom(sec: SecurityFlags): ContainerSecurity | undefined {
  const out: ContainerSecurity = {};
  // Privileged: every capability this process holds (more makes the runtime fail).
  if (sec.privileged) Object.assign(out, { privileged: true, capabilities: processBoundingSet(defaultCapabilities) });
  else if (sec.capAdd.length > 0 || sec.capDrop.length > 0) {
    const bounding = processBoundingSet(defaultCapabilities);
    out.capabilities = tweakCapabilities(defaultCapabilities, sec.capAdd, sec.capDrop).filter((cap) => bounding.includes(cap));
  }
  if (sec.readOnly) out.readOnlyRootfs = true;
  if (sec.noNewPrivileges !== undefined) out.noNewPrivileges = sec.noNewPrivileges;
  if (sec.seccomp === 'unconfined') out.seccomp = 'unconfined';
  else if (sec.seccomp !== undefined) {
    let text: string;
    try {
      text = readFileSync(sec.seccomp, 'utf8');
    } catch (err: unknown) {
      throw new RuntimeError('INVALID_ARGUMENT', `opening seccomp profile (${sec.seccomp}) failed: ${(err as Error).message}`);
    }
    try {
      // Rules of a Docker-format profile may depend on the capabilities the container gets.
      out.seccomp = profileFromJson(text, out.capabilities ?? defaultCapabilities);
    } catch (err: unknown) {
      throw new RuntimeError('INVALID_ARGUMENT', `decoding seccomp profile (${sec.seccomp}) failed: ${(err as Error).message}`);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function parseRunFlags(argv: readonly string[], options: { allowDetach: boolean }, env: NodeJS.ProcessEnv = process.env): RunFlags {
  const flags: RunFlags = { root: defaultEngineRoot(env), detach: false, help: false, create: { image: '', env: [], volumes: [], ports: [] } };
  const c = flags.create;
  const sec: SecurityFlags = { privileged: false, readOnly: false, capAdd: [], capDrop: [] };
  const withValue: Record<string, Setter> = {
    'cap-add': (v) => { sec.capAdd.push(...v.split(',')); },
    'cap-drop': (v) => { sec.capDrop.push(...v.split(',')); },
    'security-opt': (v) => applySecurityOpt(v, sec),
    name: (v) => { c.name = v; },
    env: (v) => { c.env!.push(v.includes('=') ? v : `${v}=${env[v] ?? ''}`); },
    volume: (v) => { c.volumes!.push(parseVolume(v)); },
    workdir: (v) => { c.workingDir = v; },
    user: (v) => { c.user = v; },
    memory: (v) => { c.memory = parseMemory(v); },
    cpus: (v) => {
      const n = Number(v);
      if (!(n > 0)) throw new RuntimeError('INVALID_ARGUMENT', `invalid --cpus "${v}"`);
      c.cpus = n;
    },
    'cpu-shares': (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new RuntimeError('INVALID_ARGUMENT', `invalid --cpu-shares "${v}": a whole number`);
      // 0 is Docker's "not set".
      if (n > 0) c.cpuShares = Math.max(2, n);
    },
    'oom-score-adj': (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < -1000 || n > 1000) throw new RuntimeError('INVALID_ARGUMENT', `invalid value ${v}, range for oom score adj is [-1000, 1000]`);
      c.oomScoreAdj = n;
    },
    network: (v) => { c.network = parseNetworkMode(v); },
    publish: (v) => { c.ports!.push(parsePort(v)); },
    entrypoint: (v) => { c.entrypoint = v === '' ? [] : [v]; },
    hostname: (v) => { c.hostname = v; },
    root: (v) => { flags.root = v; },
    runtime: (v) => {
      if (v !== 'runc' && v !== 'crun') throw new RuntimeError('INVALID_ARGUMENT', `unknown runtime "${v}"`);
      c.runtime = v;
    },
  };
  const boolean: Record<string, () => void> = {
    detach: () => { flags.detach = true; },
    rm: () => { c.autoRemove = true; },
    interactive: () => { c.openStdin = true; },
    tty: () => { c.tty = true; },
    help: () => { flags.help = true; },
    privileged: () => { sec.privileged = true; },
    'read-only': () => { sec.readOnly = true; },
  };
  const aliases: Record<string, string> = { c: 'cpu-shares', d: 'detach', e: 'env', v: 'volume', w: 'workdir', u: 'user', m: 'memory', p: 'publish', i: 'interactive', t: 'tty', net: 'network' };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { i++; break; }
    if (!arg.startsWith('-') || arg === '-') break;
    const long = arg.startsWith('--');
    const eq = arg.indexOf('=');
    const names = long ? [arg.slice(2, eq < 0 ? undefined : eq)] : [...arg.slice(1, eq < 0 ? undefined : eq)];
    for (let j = 0; j < names.length; j++) {
      const name = aliases[names[j]!] ?? names[j]!;
      if (name === 'detach' && !options.allowDetach) throw new RuntimeError('INVALID_ARGUMENT', 'unknown flag: --detach');
      const takes = withValue[name];
      const flag = boolean[name];
      if (flag) {
        if (eq >= 0 && long && arg.slice(eq + 1) === 'false') continue;
        flag();
      } else if (takes) {
        let value: string | undefined;
        if (eq >= 0) value = arg.slice(eq + 1);
        else if (!long && j + 1 < names.length) value = names.slice(j + 1).join('');
        else value = argv[++i];
        if (value === undefined) throw new RuntimeError('INVALID_ARGUMENT', `flag needs an argument: ${long ? '--' : '-'}${names[j]}`);
        takes(value);
        break;
      } else {
        throw new RuntimeError('INVALID_ARGUMENT', `unknown flag: ${long ? '--' : '-'}${names[j]}`);
      }
    }
  }
  const image = argv[i];
  if (image === undefined && !flags.help) throw new RuntimeError('INVALID_ARGUMENT', 'requires at least 1 arg(s), only received 0');
  c.image = image ?? '';
  c.cmd = argv.slice(i + 1);
  const security = securityFrom(sec);
  if (security) c.security = security;
  return flags;
}
