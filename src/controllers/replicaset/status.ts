/** ReplicaSet status from the pods it owns (upstream calculateStatus). */
import type { LabelSelector } from '../../machinery/selectors.js';
import { stableJson } from '../base/hash.js';
import type { Pod, ReplicaSet, ReplicaSetStatus } from '../base/objects.js';
import { isPodAvailable, isPodReady } from '../base/pods.js';

export function calculateStatus(rs: ReplicaSet, activePods: readonly Pod[], now: Date, templateLabels: LabelSelector): ReplicaSetStatus {
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of activePods) {
    if (templateLabels.matches(pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, rs.spec.minReadySeconds ?? 0, now)) available++;
    }
  }
  const status: ReplicaSetStatus = {
    replicas: activePods.length, fullyLabeledReplicas: fullyLabeled, readyReplicas: ready, availableReplicas: available,
    observedGeneration: rs.metadata.generation ?? 0,
  };
  if (rs.status?.conditions) status.conditions = rs.status.conditions;
  return status;
}

export function sameStatus(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  return (a?.replicas ?? 0) === (b.replicas ?? 0) && (a?.fullyLabeledReplicas ?? 0) === (b.fullyLabeledReplicas ?? 0)
    && (a?.readyReplicas ?? 0) === (b.readyReplicas ?? 0) && (a?.availableReplicas ?? 0) === (b.availableReplicas ?? 0)
    && (a?.observedGeneration ?? 0) === (b.observedGeneration ?? 0)
    && stableJson(a?.conditions ?? []) === stableJson(b.conditions ?? []);
}
