/**
 * A container's securityContext (and its pod's) turned into engine settings, as containerd's
 * CRI plugin does it: capabilities start from its default set, `drop: [ALL]` empties it and
 * `add` fills it again; privileged gets every capability this agent holds, all devices and
 * no seccomp filter or masked paths; readOnlyRootFilesystem mounts the rootfs read-only;
 * no_new_privs only when allowPrivilegeEscalation is false; fsGroup and supplementalGroups
 * join the process's groups. Pure apart from reading this process's bounding set.
 */
import { readFileSync } from 'node:fs';
import type { ContainerSecurity } from '../engine/runtime/index.js';
import type { ContainerSpec, Pod } from './pod-types.js';

/** containerd's default capability set (the same as Docker's). */
export const defaultPodCapabilities = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** Linux capability names by bit number (capability.h). */
export const capabilityNames = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW',
  'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD',
  'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** The names of the capabilities in a hex mask as /proc/PID/status prints it (CapEff: ...). */
export function capabilitiesInMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim() || '0'}`);
  return capabilityNames.filter((_n, bit) => (mask >> BigInt(bit)) & 1n);
}

let boundingSet: string[] | undefined;

/**
 * What this agent may hand out: a capability outside its own bounding set makes the OCI
 * runtime fail (CAP_SYS_RESOURCE is missing on these machines, see HOST-NOTES.md).
 */
export function agentBoundingSet(): string[] {
  if (!boundingSet) {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('CapBnd:'));
    boundingSet = line ? capabilitiesInMask(line.slice('CapBnd:'.length)) : [...defaultPodCapabilities];
  }
  return boundingSet;
}

function capName(name: string): string {
  const upper = name.toUpperCase();
  return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

/** The capability list for a container: containerd's order (ALL first, then named adds, then named drops). */
export function effectiveCapabilities(c: ContainerSpec, bounding: readonly string[] = agentBoundingSet()): string[] {
  const sc = c.securityContext;
  if (sc?.privileged) return [...bounding];
  const add = (sc?.capabilities?.add ?? []).map(capName);
  const drop = (sc?.capabilities?.drop ?? []).map(capName);
  let caps = new Set(defaultPodCapabilities);
  if (add.includes('CAP_ALL')) caps = new Set(bounding);
  if (drop.includes('CAP_ALL')) caps = new Set();
  for (const a of add) if (a !== 'CAP_ALL') caps.add(a);
  for (const d of drop) caps.delete(d);
  return [...caps].filter((cap) => bounding.includes(cap));
}

export function containerSecurity(pod: Pod, c: ContainerSpec, bounding: readonly string[] = agentBoundingSet()): ContainerSecurity {
  const sc = c.securityContext ?? {};
  const psc = pod.spec.securityContext ?? {};
  const privileged = sc.privileged === true;
  const extraGids = [...(psc.fsGroup !== undefined ? [psc.fsGroup] : []), ...(psc.supplementalGroups ?? [])];
  return {
    capabilities: effectiveCapabilities(c, bounding),
    readOnlyRootfs: sc.readOnlyRootFilesystem === true,
    noNewPrivileges: !privileged && sc.allowPrivilegeEscalation === false,
    privileged,
    ...(extraGids.length > 0 ? { extraGids } : {}),
  };
}

/** The user and group a container runs as: its own securityContext over the pod's. */
export function runAsIds(pod: Pod, c: ContainerSpec): { user?: number; group?: number } {
  const user = c.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser;
  const group = c.securityContext?.runAsGroup ?? pod.spec.securityContext?.runAsGroup;
  return { ...(user !== undefined ? { user } : {}), ...(group !== undefined ? { group } : {}) };
}

/**
 * With runAsNonRoot, the kubelet refuses to start a container that would run as uid 0 or
 * whose image user is a name it cannot check; the message is upstream's. `imageUser` is the
 * user the created container runs as ("" = root), after runAsUser was applied.
 */
export function runAsNonRootRefusal(pod: Pod, c: ContainerSpec, imageUser: string): string | undefined {
  const nonRoot = c.securityContext?.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot;
  if (nonRoot !== true) return undefined;
  const explicit = runAsIds(pod, c).user;
  if (explicit !== undefined) return explicit === 0 ? 'container\'s runAsUser breaks non-root policy (pod: "' + (pod.metadata?.name ?? '') + '_' + (pod.metadata?.namespace ?? '') + '", container: ' + c.name + ')' : undefined;
  const user = imageUser.split(':')[0] ?? '';
  if (user === '' || user === '0' || user === 'root') return 'container has runAsNonRoot and image will run as root (pod: "' + (pod.metadata?.name ?? '') + '_' + (pod.metadata?.namespace ?? '') + '", container: ' + c.name + ')';
  if (!/^\d+$/.test(user)) return `container has runAsNonRoot and image has non-numeric user (${user}), cannot verify user is non-root (pod: "${pod.metadata?.name ?? ''}_${pod.metadata?.namespace ?? ''}", container: ${c.name})`;
  return undefined;
}
