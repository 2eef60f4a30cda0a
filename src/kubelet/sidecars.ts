/**
 * Sidecar containers (init containers with restartPolicy Always), with upstream's semantics:
 * they start in order with the other init containers, and the next one starts as soon as a
 * sidecar has started (not exited); they run beside the app containers and are restarted
 * whenever they exit; they do not keep a pod from completing: once the app containers are
 * done for good, the sidecars are stopped (last started first) and the pod reaches
 * Succeeded/Failed; on deletion the app containers stop first, then the sidecars in reverse
 * order. The pod worker asks these questions; the answers are kept per tracked pod.
 */
import type { ContainerRuntime } from '../engine/runtime/index.js';
import type { ObservedContainer } from './pod-status.js';
import { podPhase } from './pod-status.js';
import type { ContainerSpec, Pod } from './pod-types.js';
import type { TrackedPod } from './tracked.js';

export function isSidecar(c: ContainerSpec): boolean {
  return c.restartPolicy === 'Always';
}

/** Pods whose app containers finished: their sidecars are stopped and stay stopped. */
const appsFinished = new WeakSet<TrackedPod>();

/** The restart policy an init container runs under. */
export function initContainerRestartPolicy(pod: Pod, c: ContainerSpec, tracked: TrackedPod): 'Always' | 'OnFailure' | 'Never' {
  if (isSidecar(c)) return appsFinished.has(tracked) ? 'Never' : 'Always';
  return (pod.spec.restartPolicy ?? 'Always') === 'Never' ? 'Never' : 'OnFailure';
}

/**
 * Whether the init sequence may go past this container: a regular one must have exited 0,
 * a sidecar must have started. Once an app container was created the pod stays initialized,
 * so a sidecar restarting later does not hold the app containers back.
 */
export function initStepDone(pod: Pod, c: ContainerSpec, observed: ObservedContainer, tracked: TrackedPod): boolean {
  if (isSidecar(c)) {
    if (observed.started) return true;
    return pod.spec.containers.some((app) => {
      const t = tracked.containers.get(app.name);
      return t !== undefined && (t.id !== undefined || t.attempt > 0);
    });
  }
  return observed.state.terminated?.exitCode === 0;
}

/**
 * After the app containers were synced: when they are done for good (the phase they alone
 * give is Succeeded or Failed) the running sidecars are stopped, last first. Returns whether
 * any was stopped (the caller re-syncs soon to report them terminated).
 */
export async function stopSidecarsWhenAppsFinished(runtime: ContainerRuntime, pod: Pod, tracked: TrackedPod, apps: readonly ObservedContainer[]): Promise<boolean> {
  const sidecars = (pod.spec.initContainers ?? []).filter(isSidecar);
  if (sidecars.length === 0) return false;
  const phase = podPhase(pod.spec.restartPolicy ?? 'Always', apps);
  if (phase !== 'Succeeded' && phase !== 'Failed') return false;
  appsFinished.add(tracked);
  let stopped = false;
  for (const c of [...sidecars].reverse()) {
    const id = tracked.containers.get(c.name)?.id;
    if (!id) continue;
    const rec = await runtime.inspect(id).catch(() => undefined);
    if (rec?.state.status !== 'running') continue;
    await runtime.stop(id, { timeoutSeconds: pod.spec.terminationGracePeriodSeconds ?? 30 });
    stopped = true;
  }
  return stopped;
}

/**
 * The order containers stop in when the pod is deleted: every app (and regular init)
 * container at once, then the sidecars one by one, the last started first.
 */
export function terminationGroups(pod: Pod, names: readonly string[]): string[][] {
  const sidecars = (pod.spec.initContainers ?? []).filter(isSidecar).map((c) => c.name);
  const first = names.filter((n) => !sidecars.includes(n));
  const later = [...sidecars].reverse().filter((n) => names.includes(n)).map((n) => [n]);
  return [first, ...later].filter((g) => g.length > 0);
}

/** A container's spec by name, app or init. */
export function containerSpecNamed(pod: Pod, name: string): ContainerSpec | undefined {
  return pod.spec.containers.find((c) => c.name === name) ?? pod.spec.initContainers?.find((c) => c.name === name);
}
