/**
 * The pod status a kubelet reports, computed from what the agent observed: phase (as
 * upstream's getPhase), conditions (transition times kept while unchanged), IPs, QoS class
 * and one ContainerStatus per container. Pure, so it is unit-tested without containers.
 */
import { podQOSClass } from '../api/resources/core/pod-qos.js';
import type { ContainerStateView, ContainerStatusView, Pod, PodCondition, PodStatusView } from './pod-types.js';

export interface ObservedContainer {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  state: ContainerStateView;
  lastState: ContainerStateView;
  restartCount: number;
  ready: boolean;
  started: boolean;
}

export interface ObservedPod {
  podIP?: string;
  hostIP: string;
  startTime: string;
  sandboxReady: boolean;
  containers: ObservedContainer[];
  initContainers?: ObservedContainer[];
  now: string;
}

export function podPhase(restartPolicy: string, containers: readonly ObservedContainer[]): PodStatusView['phase'] {
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of containers) {
    if (c.state.running) running++;
    else if (c.state.terminated) {
      stopped++;
      if (c.state.terminated.exitCode === 0) succeeded++;
    } else if (c.lastState.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(previous: readonly PodCondition[], type: string, ok: boolean, now: string, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const before = previous.find((c) => c.type === type);
  return {
    type, status, lastProbeTime: null,
    lastTransitionTime: before && before.status === status && before.lastTransitionTime ? before.lastTransitionTime : now,
    ...(!ok && reason ? { reason } : {}), ...(!ok && message ? { message } : {}),
  };
}

export function computePodStatus(pod: Pod, o: ObservedPod): PodStatusView {
  const previous = (pod.status?.conditions ?? []) as PodCondition[];
  const inits = o.initContainers ?? [];
  // A sidecar (restartPolicy Always) counts as done once it has started; a regular init
  // container once it exited 0.
  const sidecar = (name: string): boolean => pod.spec.initContainers?.find((c) => c.name === name)?.restartPolicy === 'Always';
  const initComplete = (c: ObservedContainer): boolean => (sidecar(c.name) ? c.started || c.restartCount > 0 || c.state.terminated !== undefined || c.lastState.terminated !== undefined : c.state.terminated?.exitCode === 0);
  const initDone = inits.every(initComplete);
  const initFailed = (pod.spec.restartPolicy ?? 'Always') === 'Never' && inits.some((c) => !sidecar(c.name) && (c.state.terminated?.exitCode ?? 0) !== 0);
  let phase = initFailed ? 'Failed' : initDone ? podPhase(pod.spec.restartPolicy ?? 'Always', o.containers) : 'Pending';
  // The app containers are done but a sidecar still runs: the pod is Running until it stops.
  if (phase === 'Succeeded' && inits.some((c) => sidecar(c.name) && c.state.running)) phase = 'Running';
  if (phase === 'Failed' && !initFailed && inits.some((c) => sidecar(c.name) && c.state.running)) phase = 'Running';
  const done = phase === 'Succeeded' || phase === 'Failed';
  // Sidecars count for readiness too, as upstream's ContainersReady (listed first).
  const notReady = [...inits.filter((c) => sidecar(c.name)), ...o.containers].filter((c) => !c.ready).map((c) => c.name);
  const allReady = notReady.length === 0 && o.containers.length > 0;
  const notReadyMessage = `containers with unready status: [${notReady.join(' ')}]`;
  const conditions = [
    condition(previous, 'PodReadyToStartContainers', o.sandboxReady && !done, o.now),
    condition(previous, 'Initialized', initDone, o.now, 'ContainersNotInitialized', `containers with incomplete status: [${inits.filter((c) => !initComplete(c)).map((c) => c.name).join(' ')}]`),
    condition(previous, 'Ready', allReady, o.now, done ? 'PodCompleted' : 'ContainersNotReady', done ? undefined : notReadyMessage),
    condition(previous, 'ContainersReady', allReady, o.now, done ? 'PodCompleted' : 'ContainersNotReady', done ? undefined : notReadyMessage),
    condition(previous, 'PodScheduled', true, o.now),
  ];
  const view = (c: ObservedContainer): ContainerStatusView => ({
    name: c.name, state: c.state, lastState: c.lastState, ready: c.ready, restartCount: c.restartCount,
    image: c.image, imageID: c.imageID, ...(c.containerID ? { containerID: c.containerID } : {}), started: c.started,
  });
  return {
    phase, conditions,
    hostIP: o.hostIP, hostIPs: [{ ip: o.hostIP }],
    ...(o.podIP ? { podIP: o.podIP, podIPs: [{ ip: o.podIP }] } : {}),
    startTime: o.startTime,
    // The API's own definition, so the kubelet never rewrites the class the API set at create.
    qosClass: podQOSClass(pod.spec),
    ...(inits.length > 0 ? { initContainerStatuses: inits.map(view) } : {}),
    containerStatuses: o.containers.map(view),
  };
}

/** Whether a restart policy restarts a container that exited with this code. */
export function shouldRestart(restartPolicy: string, exitCode: number): boolean {
  return restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && exitCode !== 0);
}

/** The kubelet's crash back-off: 10 s doubling to 5 min; the first restart is immediate. */
export function nextBackoffSeconds(previousSeconds: number): number {
  return previousSeconds === 0 ? 10 : Math.min(300, previousSeconds * 2);
}
