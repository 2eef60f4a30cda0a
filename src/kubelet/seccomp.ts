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
import { isAbsolute, join } from 'node:path';
import { profileFromJson, type SeccompProfile } from '../engine/runtime/index.js';
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
  // containerd does not even read the profile of a privileged container.
  if (c.securityContext?.privileged === true) return 'unconfined';
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
