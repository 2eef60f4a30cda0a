/**
 * Proportional scaling (upstream sync.go scale()): when a Deployment is resized while
 * several ReplicaSets are active (a rollout in progress), the change is spread over them in
 * proportion to their sizes instead of landing on one, so neither the rollout's progress nor
 * availability jumps. Pure: returns new sizes by uid.
 */
import type { Deployment, ReplicaSet } from '../base/objects.js';
import { desiredReplicasAnnotation } from './revisions.js';
import { desiredReplicas, specReplicas, sumSpec, surgeAndUnavailable } from './rolling.js';

/** A resize the ReplicaSets have not seen yet: an active one was sized for another total. */
export function isScalingEvent(d: Deployment, active: readonly ReplicaSet[]): boolean {
  return active.some((rs) => {
    const v = rs.metadata.annotations?.[desiredReplicasAnnotation];
    return v !== undefined && Number(v) !== desiredReplicas(d);
  });
}

const created = (rs: ReplicaSet): number => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;

export function proportionalTargets(d: Deployment, active: readonly ReplicaSet[]): Map<string, number> {
  const targets = new Map<string, number>();
  const replicas = desiredReplicas(d);
  const allowed = replicas > 0 ? replicas + surgeAndUnavailable(d).maxSurge : 0;
  const total = sumSpec(active);
  const toAdd = allowed - total;
  if (toAdd === 0 || total === 0) return targets;
  // Growing favours the biggest and newest; shrinking the biggest and oldest (as upstream).
  const ordered = [...active].sort((a, b) => specReplicas(b) - specReplicas(a) || (toAdd > 0 ? created(b) - created(a) : created(a) - created(b)));
  let added = 0;
  for (const rs of ordered) {
    const share = Math.trunc((specReplicas(rs) * toAdd) / total);
    const bounded = toAdd > 0 ? Math.min(share, toAdd - added) : Math.max(share, toAdd - added);
    targets.set(rs.metadata.uid ?? '', specReplicas(rs) + bounded);
    added += bounded;
  }
  // What rounding left goes to the first (largest) one, never below zero.
  const first = ordered[0];
  if (first && added !== toAdd) {
    const uid = first.metadata.uid ?? '';
    targets.set(uid, Math.max(0, (targets.get(uid) ?? specReplicas(first)) + toAdd - added));
  }
  return targets;
}
