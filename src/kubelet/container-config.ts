/**
 * A pod container's engine settings: command/args over the image's entrypoint/cmd (the
 * Kubernetes rule: `command` replaces ENTRYPOINT and drops CMD, `args` replaces CMD), with
 * $(VAR) expanded from the container's env, resources -> cgroup limits, the pod's netns,
 * mounts, the securityContext (security.ts), labels that let a restarted agent find its containers again, and the log path.
 */
import type { CreateOptions } from '../engine/runtime/index.js';
import type { VolumeMount } from '../engine/runtime/index.js';
import { Quantity } from '../machinery/quantity.js';
import { readFileSync } from 'node:fs';
import { podDnsOptions, resolvSearches } from '../dns/pod-dns.js';
import { expandVars } from './env.js';
import type { ContainerSpec, Pod } from './pod-types.js';
import { containerSecurity, runAsIds } from './security.js';
import type { EngineSeccomp } from './seccomp.js';
import { cpuSharesFor, oomScoreAdjFloor, oomScoreAdjFor } from './qos.js';

export const labelPodUid = 'io.kubernetes.pod.uid';
export const labelPodName = 'io.kubernetes.pod.name';
export const labelPodNamespace = 'io.kubernetes.pod.namespace';
export const labelContainerName = 'io.kubernetes.container.name';
export const labelRestartCount = 'io.kubernetes.container.restartCount';

export function engineContainerName(pod: Pod, c: ContainerSpec, attempt: number): string {
  const m = pod.metadata ?? {};
  return `k8s_${c.name}_${m.name ?? ''}_${m.namespace ?? 'default'}_${(m.uid ?? '').slice(0, 8)}_${attempt}`;
}

let hostSearches: string[] | undefined;
/** The node's own search domains, which ClusterFirst pods inherit after the cluster's (read once). */
function nodeSearches(): string[] {
  if (!hostSearches) {
    try { hostSearches = resolvSearches(readFileSync('/etc/resolv.conf', 'utf8')); } catch { hostSearches = []; }
  }
  return hostSearches;
}

export function limitsFor(c: ContainerSpec): { memory: number; cpus: number } {
  const mem = c.resources?.limits?.memory;
  const cpu = c.resources?.limits?.cpu;
  return { memory: mem ? Quantity.must(mem).value() : 0, cpus: cpu ? Quantity.must(cpu).milliValue() / 1000 : 0 };
}

export function containerCreateOptions(o: {
  pod: Pod; container: ContainerSpec; imageRef: string; env: string[]; mounts: VolumeMount[];
  /** The seccomp filter (seccomp.ts): the engine's default profile when undefined. */
  seccomp?: EngineSeccomp;
  /** The node's memory (bytes): a Burstable container's oom_score_adj is by its share of it. */
  nodeMemoryBytes: number;
  netnsPath: string | undefined; attempt: number; logPath: string;
}): CreateOptions {
  const { pod, container: c } = o;
  const vars = new Map(o.env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as [string, string]));
  const expand = (list: string[] | undefined): string[] | undefined => list?.map((a) => expandVars(a, vars));
  const command = expand(c.command);
  const args = expand(c.args);
  const { user, group } = runAsIds(pod, c);
  const options: CreateOptions = {
    image: o.imageRef,
    name: engineContainerName(pod, c, o.attempt),
    env: o.env,
    hostname: pod.spec.hostname ?? pod.metadata?.name ?? '',
    // /etc/resolv.conf by dnsPolicy: ClusterFirst pods ask the cluster DNS with the search path
    dns: podDnsOptions(pod, { hostSearches: nodeSearches() }),
    network: o.netnsPath ? { kind: 'path', path: o.netnsPath } : { kind: 'host' },
    volumes: o.mounts,
    ...limitsFor(c),
    cpuShares: cpuSharesFor(c),
    oomScoreAdj: Math.max(oomScoreAdjFloor(), oomScoreAdjFor(pod, c, o.nodeMemoryBytes)),
    tty: c.tty === true,
    openStdin: c.stdin === true,
    logPath: o.logPath,
    security: { ...containerSecurity(pod, c), ...(o.seccomp !== undefined ? { seccomp: o.seccomp } : {}) },
    labels: {
      [labelPodUid]: pod.metadata?.uid ?? '',
      [labelPodName]: pod.metadata?.name ?? '',
      [labelPodNamespace]: pod.metadata?.namespace ?? 'default',
      [labelContainerName]: c.name,
      [labelRestartCount]: String(o.attempt),
    },
  };
  if (command && command.length > 0) {
    options.entrypoint = command;
    if (args && args.length > 0) options.cmd = args;
  } else if (args && args.length > 0) options.cmd = args;
  if (c.workingDir) options.workingDir = c.workingDir;
  if (user !== undefined) options.user = group !== undefined ? `${user}:${group}` : String(user);
  return options;
}
