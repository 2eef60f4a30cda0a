/**
 * A container's securityContext (and its pod's) turned into engine settings, as containerd's
 * CRI plugin does it: capabilities start from its default set, `drop: [ALL]` empties it and
 * `add` fills it again; privileged gets every capability this agent holds, all devices and
 * no seccomp filter or masked paths; readOnlyRootFilesystem mounts the rootfs read-only;
 * no_new_privs only when allowPrivilegeEscalation is false; fsGroup and supplementalGroups
 * join the process's groups. Pure apart from reading this process's bounding set.
 */
import { capabilityName, defaultCapabilities, processBoundingSet, type ContainerSecurity } from '../engine/runtime/index.js';
import type { ContainerSpec, Pod } from './pod-types.js';

/** containerd's default capability set: the same as Docker's, the engine's default. */
export const defaultPodCapabilities: readonly string[] = defaultCapabilities;

/**
 * What this agent may hand out: a capability outside its own bounding set makes the OCI
 * runtime fail (CAP_SYS_RESOURCE is missing on these machines, see HOST-NOTES.md).
 */
export function agentBoundingSet(): string[] {
  return processBoundingSet(defaultPodCapabilities);
}

/** The capability list for a container: containerd's order (ALL first, then named adds, then named drops). */
export function effectiveCapabilities(c: ContainerSpec, bounding: readonly string[] = agentBoundingSet()): string[] {
  const sc = c.securityContext;
  if (sc?.privileged) return [...bounding];
  const add = (sc?.capabilities?.add ?? []).map(capabilityName);
  const drop = (sc?.capabilities?.drop ?? []).map(capabilityName);
  let caps = new Set(defaultPodCapabilities);
  if (add.includes('ALL')) caps = new Set(bounding);
  if (drop.includes('ALL')) caps = new Set();
  for (const a of add) if (a !== 'ALL') caps.add(a);
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
