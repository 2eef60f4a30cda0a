/**
 * Linux capabilities by name: the table of names by bit, this process's bounding set (what a
 * container may be given at most: a capability outside it makes the OCI runtime fail, and
 * CAP_SYS_RESOURCE is missing on these machines, see HOST-NOTES.md), and Docker's
 * --cap-add/--cap-drop arithmetic.
 */
import { readFileSync } from 'node:fs';
import { RuntimeError } from './errors.js';

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

/** This process's bounding set, read once (`fallback` if /proc does not say). */
export function processBoundingSet(fallback: readonly string[]): string[] {
  if (!boundingSet) {
    const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('CapBnd:'));
    boundingSet = line ? capabilitiesInMask(line.slice('CapBnd:'.length)) : [...fallback];
  }
  return boundingSet;
}

/** `net_admin`, `NET_ADMIN` and `CAP_NET_ADMIN` all name CAP_NET_ADMIN; `all` is ALL. */
export function capabilityName(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

/**
 * Docker's --cap-add/--cap-drop: ALL added starts from every capability there is, ALL
 * dropped from none; then the named ones are added and dropped. An unknown name is an error.
 */
export function tweakCapabilities(defaults: readonly string[], add: readonly string[], drop: readonly string[]): string[] {
  const adds = add.map(capabilityName);
  const drops = drop.map(capabilityName);
  for (const cap of [...adds, ...drops]) {
    if (cap !== 'ALL' && !capabilityNames.includes(cap)) throw new RuntimeError('INVALID_ARGUMENT', `unknown capability: "${cap}"`);
  }
  let caps = new Set(defaults);
  if (adds.includes('ALL')) caps = new Set(capabilityNames);
  else if (drops.includes('ALL')) caps = new Set();
  for (const cap of adds) if (cap !== 'ALL') caps.add(cap);
  for (const cap of drops) if (cap !== 'ALL') caps.delete(cap);
  return capabilityNames.filter((cap) => caps.has(cap));
}
