/**
 * Flags of `skiff run` and `skiff create`, parsed by hand (commands must start fast) and
 * Docker-style: flags end at the image name; what follows is the container's command.
 */
import { resolve as resolvePath } from 'node:path';
import { defaultEngineRoot } from '../types.js';
import { parseNetworkMode } from '../network/index.js';
import type { CreateOptions } from './create.js';
import type { PortMapping, VolumeMount } from './record.js';
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

export function parseRunFlags(argv: readonly string[], options: { allowDetach: boolean }, env: NodeJS.ProcessEnv = process.env): RunFlags {
  const flags: RunFlags = { root: defaultEngineRoot(env), detach: false, help: false, create: { image: '', env: [], volumes: [], ports: [] } };
  const c = flags.create;
  const withValue: Record<string, Setter> = {
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
  };
  const aliases: Record<string, string> = { d: 'detach', e: 'env', v: 'volume', w: 'workdir', u: 'user', m: 'memory', p: 'publish', i: 'interactive', t: 'tty', net: 'network' };
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
  return flags;
}
