/**
 * Which pods a ReplicaSet deletes first when it scales down (upstream controller.ActivePods
 * ordering): unscheduled before scheduled, Pending before Unknown before Running, not ready
 * before ready, ready for less time before longer, more restarts before fewer, newer before
 * older. The cheapest pods to lose go first.
 */
import type { Pod } from '../base/objects.js';
import { isPodReady, podReadyCondition } from '../base/pods.js';

const phaseRank: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(pod: Pod): number {
  const statuses = pod.status?.['containerStatuses'];
  if (!Array.isArray(statuses)) return 0;
  return statuses.reduce((n: number, s: unknown) => n + (typeof (s as { restartCount?: unknown }).restartCount === 'number' ? (s as { restartCount: number }).restartCount : 0), 0);
}

function time(t: string | null | undefined): number {
  const v = t ? Date.parse(t) : NaN;
  return Number.isFinite(v) ? v : 0;
}

/** Negative when `a` should be deleted before `b`. */
export function compareForDeletion(a: Pod, b: Pod): number {
  const aAssigned = a.spec?.nodeName ? 1 : 0;
  const bAssigned = b.spec?.nodeName ? 1 : 0;
  if (aAssigned !== bAssigned) return aAssigned - bAssigned;
  const aPhase = phaseRank[a.status?.phase ?? 'Pending'] ?? 0;
  const bPhase = phaseRank[b.status?.phase ?? 'Pending'] ?? 0;
  if (aPhase !== bPhase) return aPhase - bPhase;
  const aReady = isPodReady(a) ? 1 : 0;
  const bReady = isPodReady(b) ? 1 : 0;
  if (aReady !== bReady) return aReady - bReady;
  if (aReady && bReady) {
    // Ready more recently means ready for less time: delete it first.
    const d = time(podReadyCondition(b)?.lastTransitionTime) - time(podReadyCondition(a)?.lastTransitionTime);
    if (d !== 0) return d;
  }
  const r = restarts(b) - restarts(a);
  if (r !== 0) return r;
  return time(b.metadata.creationTimestamp) - time(a.metadata.creationTimestamp);
}

/** The `count` pods to delete, best candidates first. */
export function podsToDelete(pods: readonly Pod[], count: number): Pod[] {
  return [...pods].sort(compareForDeletion).slice(0, Math.max(0, count));
}
