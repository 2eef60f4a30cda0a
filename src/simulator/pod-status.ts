/** Pod statuses a hollow node reports: Running (all containers ready) and Succeeded. */
import type { KubeObject } from '../api/types.js';

interface PodLike extends KubeObject { spec?: { containers?: Array<{ name: string; image?: string }>; initContainers?: Array<{ name: string; image?: string }> } }

const timestamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

function cond(type: string, status: string, t: string, reason?: string): Record<string, unknown> {
  return { type, status, lastProbeTime: null, lastTransitionTime: t, ...(reason ? { reason } : {}) };
}

export function runningStatus(pod: PodLike, o: { podIP: string; hostIP: string; now: Date }): Record<string, unknown> {
  const t = timestamp(o.now);
  const uid = pod.metadata?.uid ?? '';
  return {
    phase: 'Running',
    conditions: [cond('PodReadyToStartContainers', 'True', t), cond('Initialized', 'True', t), cond('Ready', 'True', t), cond('ContainersReady', 'True', t), cond('PodScheduled', 'True', t)],
    hostIP: o.hostIP, hostIPs: [{ ip: o.hostIP }], podIP: o.podIP, podIPs: [{ ip: o.podIP }], startTime: t, qosClass: 'BestEffort',
    ...(pod.spec?.initContainers?.length ? {
      initContainerStatuses: pod.spec.initContainers.map((c, i) => ({
        name: c.name, image: c.image ?? '', imageID: '', containerID: `hollow://${uid}/init-${i}`, ready: true, restartCount: 0,
        state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: t, finishedAt: t } },
      })),
    } : {}),
    containerStatuses: (pod.spec?.containers ?? []).map((c, i) => ({
      name: c.name, image: c.image ?? '', imageID: '', containerID: `hollow://${uid}/${i}`, ready: true, started: true, restartCount: 0,
      state: { running: { startedAt: t } },
    })),
  };
}

export function succeededStatus(pod: PodLike & { status?: Record<string, unknown> }, now: Date): Record<string, unknown> {
  const t = timestamp(now);
  const started = (pod.status?.startTime as string | undefined) ?? t;
  return {
    phase: 'Succeeded',
    conditions: [cond('PodReadyToStartContainers', 'False', t), cond('Initialized', 'True', t, 'PodCompleted'), cond('Ready', 'False', t, 'PodCompleted'), cond('ContainersReady', 'False', t, 'PodCompleted'), cond('PodScheduled', 'True', started)],
    containerStatuses: (pod.spec?.containers ?? []).map((c, i) => ({
      name: c.name, image: c.image ?? '', imageID: '', containerID: `hollow://${pod.metadata?.uid ?? ''}/${i}`, ready: false, started: false, restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: t } },
    })),
  };
}
