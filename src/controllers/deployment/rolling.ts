/**
 * The arithmetic of a rolling update (upstream rolling.go and deployment/util): how far the
 * new ReplicaSet may grow (maxSurge) and how many old pods may go (maxUnavailable). Pure.
 */
import type { Deployment, ReplicaSet } from '../base/objects.js';
import { scaledValue } from '../base/int-or-percent.js';

export function desiredReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

/** maxSurge rounds up, maxUnavailable down; both 0 would stall, so unavailable becomes 1. */
export function surgeAndUnavailable(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const replicas = desiredReplicas(d);
  if (d.spec.strategy?.type === 'Recreate') return { maxSurge: 0, maxUnavailable: replicas };
  const ru = d.spec.strategy?.rollingUpdate;
  const maxSurge = scaledValue(ru?.maxSurge, replicas, true, Math.ceil(replicas * 0.25));
  let maxUnavailable = scaledValue(ru?.maxUnavailable, replicas, false, Math.floor(replicas * 0.25));
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable: Math.min(maxUnavailable, replicas) };
}

export const specReplicas = (rs: ReplicaSet | undefined): number => rs?.spec.replicas ?? 0;
export const sumSpec = (rss: readonly ReplicaSet[]): number => rss.reduce((n, rs) => n + specReplicas(rs), 0);
export const sumAvailable = (rss: readonly ReplicaSet[]): number => rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);

/** The size the new ReplicaSet may have now (upstream NewRSNewReplicas for RollingUpdate). */
export function newReplicaSetTarget(d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined): number {
  const replicas = desiredReplicas(d);
  const current = specReplicas(newRS);
  const { maxSurge } = surgeAndUnavailable(d);
  const total = sumSpec(all);
  const maxTotal = replicas + maxSurge;
  if (total >= maxTotal) return current;
  return current + Math.max(0, Math.min(maxTotal - total, replicas - current));
}

/**
 * How old ReplicaSets shrink this round (upstream reconcileOldReplicaSets): first their
 * unavailable pods (they cost no availability), then available ones while the total of
 * available pods stays at least replicas - maxUnavailable. Returns new sizes by uid.
 */
export function oldReplicaSetTargets(d: Deployment, all: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Map<string, number> {
  const targets = new Map<string, number>();
  if (sumSpec(oldRSs) === 0) return targets;
  const { maxUnavailable } = surgeAndUnavailable(d);
  const minAvailable = desiredReplicas(d) - maxUnavailable;
  const newUnavailable = specReplicas(newRS) - (newRS?.status?.availableReplicas ?? 0);
  let budget = sumSpec(all) - minAvailable - Math.max(0, newUnavailable);
  if (budget <= 0) return targets;
  const size = (rs: ReplicaSet): number => targets.get(rs.metadata.uid ?? '') ?? specReplicas(rs);
  // Oldest first, as upstream sorts by creation time.
  for (const rs of oldRSs) {
    if (budget <= 0) break;
    const unhealthy = Math.max(0, specReplicas(rs) - (rs.status?.availableReplicas ?? 0));
    const cut = Math.min(budget, unhealthy);
    if (cut > 0) {
      targets.set(rs.metadata.uid ?? '', specReplicas(rs) - cut);
      budget -= cut;
    }
  }
  let removable = sumAvailable(all) - minAvailable;
  for (const rs of oldRSs) {
    if (removable <= 0) break;
    const current = size(rs);
    if (current === 0) continue;
    const cut = Math.min(current, removable);
    targets.set(rs.metadata.uid ?? '', current - cut);
    removable -= cut;
  }
  return targets;
}
