/**
 * The seccomp filter of a pod's container, chosen as the kubelet and containerd's CRI plugin
 * choose it: the container's securityContext.seccompProfile, else the pod's, else Unconfined
 * (or RuntimeDefault when the agent runs with --seccomp-default, the kubelet's
 * seccompDefault). RuntimeDefault is the engine's default profile. Localhost reads a profile
 * file from the agent's seccomp folder (<state dir>/seccomp, the kubelet's
 * /var/lib/kubelet/seccomp) in the OCI or Docker format. A privileged container runs
 * unconfined whatever is asked (the engine drops the filter).
 */
import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { SeccompProfile, SeccompSyscallRule } from '../engine/runtime/index.js';
import type { ContainerSpec, Pod, SeccompProfileField } from './pod-types.js';

/** What the engine is given: undefined is its default profile. */
export type EngineSeccomp = 'unconfined' | SeccompProfile | undefined;

/** The profile that applies to the container (container over pod over the node's default). */
export function effectiveSeccompField(pod: Pod, c: ContainerSpec, seccompDefault: boolean): SeccompProfileField {
  return c.securityContext?.seccompProfile ?? pod.spec.securityContext?.seccompProfile ?? { type: seccompDefault ? 'RuntimeDefault' : 'Unconfined' };
}

/** The folder Localhost profiles are read from (the kubelet's <root-dir>/seccomp). */
export function seccompProfileDir(stateDir: string): string {
  return join(stateDir, 'seccomp');
}

/** A container's seccompProfile could not be used: the container is not created (CreateContainerError). */
export class SeccompProfileError extends Error {}

/**
 * The engine's seccomp setting for the container. `capabilities` are the container's (a
 * Docker-format profile's rules may depend on them).
 */
export async function containerSeccomp(pod: Pod, c: ContainerSpec, o: { seccompDefault: boolean; profileDir: string; capabilities: readonly string[] }): Promise<EngineSeccomp> {
  const field = effectiveSeccompField(pod, c, o.seccompDefault);
  switch (field.type) {
    case 'Unconfined': return 'unconfined';
    case 'RuntimeDefault': return undefined;
    case 'Localhost': {
      const name = field.localhostProfile ?? '';
      // The API refuses these too; the agent never reads outside its folder.
      if (name === '' || isAbsolute(name) || name.split('/').includes('..')) {
        throw new SeccompProfileError(`invalid localhostProfile "${name}": a relative path inside the node's seccomp folder is required`);
      }
      const path = join(o.profileDir, name);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (err: unknown) {
        throw new SeccompProfileError(`cannot load seccomp profile "${path}": ${(err as Error).message}`);
      }
      try {
        return profileFromJson(text, o.capabilities);
      } catch (err: unknown) {
        throw new SeccompProfileError(`cannot load seccomp profile "${path}": ${(err as Error).message}`);
      }
    }
    default: throw new SeccompProfileError(`unknown seccompProfile type "${String(field.type)}"`);
  }
}

/** Docker's names for this machine's architectures in a rule's includes/excludes.arches. */
const hostArches = ['amd64', 'x86_64', 'SCMP_ARCH_X86_64'];

interface DockerRule {
  names?: unknown; name?: unknown; action?: unknown; errnoRet?: unknown; args?: unknown;
  includes?: { caps?: string[]; arches?: string[]; minKernel?: string };
  excludes?: { caps?: string[]; arches?: string[]; minKernel?: string };
}

/** "5.10" < "6.1": true when this kernel is at least `wanted` (major.minor). */
function kernelAtLeast(wanted: string, running = release()): boolean {
  const [wMajor = 0, wMinor = 0] = wanted.split('.').map(Number);
  const [rMajor = 0, rMinor = 0] = running.split(/[.-]/).map(Number);
  return rMajor > wMajor || (rMajor === wMajor && rMinor >= wMinor);
}

/** Whether a Docker-format rule applies to this container on this machine. */
function ruleApplies(rule: DockerRule, capabilities: readonly string[]): boolean {
  const inc = rule.includes ?? {};
  const exc = rule.excludes ?? {};
  if (inc.arches && inc.arches.length > 0 && !inc.arches.some((a) => hostArches.includes(a))) return false;
  if (exc.arches?.some((a) => hostArches.includes(a))) return false;
  if (inc.caps && !inc.caps.every((cap) => capabilities.includes(cap))) return false;
  if (exc.caps?.some((cap) => capabilities.includes(cap))) return false;
  if (inc.minKernel && !kernelAtLeast(inc.minKernel)) return false;
  if (exc.minKernel && kernelAtLeast(exc.minKernel)) return false;
  return true;
}

/**
 * An OCI seccomp profile from a profile file: the OCI form (`architectures`, `syscalls[].names`)
 * or Docker's (`archMap`, `name`, rules with includes/excludes), as containerd loads them.
 */
export function profileFromJson(text: string, capabilities: readonly string[]): SeccompProfile {
  let raw: { defaultAction?: unknown; defaultErrnoRet?: unknown; architectures?: unknown; archMap?: unknown; flags?: unknown; syscalls?: unknown };
  try {
    raw = JSON.parse(text) as typeof raw;
  } catch (err: unknown) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== 'object' || raw === null || typeof raw.defaultAction !== 'string') throw new Error('defaultAction is required');
  const profile: SeccompProfile = { defaultAction: raw.defaultAction };
  if (typeof raw.defaultErrnoRet === 'number') profile.defaultErrnoRet = raw.defaultErrnoRet;
  if (Array.isArray(raw.architectures)) profile.architectures = raw.architectures.map(String);
  else if (Array.isArray(raw.archMap)) {
    const native = (raw.archMap as Array<{ architecture?: string; subArchitectures?: string[] }>).find((m) => m.architecture === 'SCMP_ARCH_X86_64');
    if (native) profile.architectures = ['SCMP_ARCH_X86_64', ...(native.subArchitectures ?? [])];
  }
  if (Array.isArray(raw.flags)) profile.flags = raw.flags.map(String);
  if (raw.syscalls !== undefined && !Array.isArray(raw.syscalls)) throw new Error('syscalls must be a list');
  const rules: SeccompSyscallRule[] = [];
  for (const [i, r] of ((raw.syscalls ?? []) as DockerRule[]).entries()) {
    const names = Array.isArray(r.names) ? r.names.map(String) : typeof r.name === 'string' ? [r.name] : [];
    if (names.length === 0) throw new Error(`syscalls[${i}] names no syscall`);
    if (typeof r.action !== 'string') throw new Error(`syscalls[${i}].action is required`);
    if (!ruleApplies(r, capabilities)) continue;
    const rule: SeccompSyscallRule = { names, action: r.action };
    if (typeof r.errnoRet === 'number') rule.errnoRet = r.errnoRet;
    if (Array.isArray(r.args) && r.args.length > 0) rule.args = r.args as NonNullable<SeccompSyscallRule['args']>;
    rules.push(rule);
  }
  if (rules.length > 0) profile.syscalls = rules;
  return profile;
}
