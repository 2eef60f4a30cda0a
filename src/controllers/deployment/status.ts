/**
 * Deployment status and its Available and Progressing conditions, with upstream's reasons
 * and messages (deployment/util and progress.go). Pure: the clock is an argument.
 */
import type { Deployment, DeploymentCondition, ReplicaSet } from '../base/objects.js';
import { stableJson } from '../base/hash.js';
import { desiredReplicas, sumSpec, surgeAndUnavailable } from './rolling.js';

type Status = NonNullable<Deployment['status']>;

export const reasons = {
  newRSAvailable: 'NewReplicaSetAvailable',
  rsUpdated: 'ReplicaSetUpdated',
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minAvailable: 'MinimumReplicasAvailable',
  minUnavailable: 'MinimumReplicasUnavailable',
} as const;

export function condition(status: Status | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** Sets a condition; lastTransitionTime moves only when the status value changes. */
export function setCondition(status: Status, c: Omit<DeploymentCondition, 'lastUpdateTime' | 'lastTransitionTime'>, now: Date): void {
  const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const existing = condition(status, c.type);
  if (existing && existing.status === c.status && existing.reason === c.reason) {
    // Same state: keep lastUpdateTime unless the message changed (as upstream).
    if (existing.message === c.message) return;
  }
  const next: DeploymentCondition = { ...c, lastUpdateTime: at, lastTransitionTime: existing && existing.status === c.status ? (existing.lastTransitionTime ?? at) : at };
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== c.type), next];
}

/** Counts from the ReplicaSets plus the Available condition (upstream calculateStatus). */
export function calculateStatus(d: Deployment, all: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: Date): Status {
  const sum = (f: (rs: ReplicaSet) => number | undefined): number => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
  const available = sum((rs) => rs.status?.availableReplicas);
  const status: Status = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: sum((rs) => rs.status?.replicas),
    updatedReplicas: newRS?.status?.replicas ?? 0,
    readyReplicas: sum((rs) => rs.status?.readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, sumSpec(all) - available),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    conditions: structuredClone(d.status?.conditions ?? []),
  };
  const minAvailable = desiredReplicas(d) - surgeAndUnavailable(d).maxUnavailable;
  if (available >= minAvailable) setCondition(status, { type: 'Available', status: 'True', reason: reasons.minAvailable, message: 'Deployment has minimum availability.' }, now);
  else setCondition(status, { type: 'Available', status: 'False', reason: reasons.minUnavailable, message: 'Deployment does not have minimum availability.' }, now);
  return status;
}

/** Every pod updated and available, and nothing old left (upstream DeploymentComplete). */
export function isComplete(d: Deployment, s: Status): boolean {
  const r = desiredReplicas(d);
  return (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && (s.availableReplicas ?? 0) === r && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** The rollout moved since the last status (upstream DeploymentProgressing). */
export function isProgressing(old: Status | undefined, s: Status): boolean {
  return (s.updatedReplicas ?? 0) > (old?.updatedReplicas ?? 0) || (s.replicas ?? 0) < (old?.replicas ?? 0)
    || (s.readyReplicas ?? 0) > (old?.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old?.availableReplicas ?? 0);
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec.progressDeadlineSeconds;
  return s !== undefined && s !== null && s < 2 ** 31 - 1;
}

/**
 * Progressing after a sync (upstream syncRolloutStatus). Returns when to look again for a
 * deadline (ms), if the rollout is still under way.
 */
export function updateProgressing(d: Deployment, s: Status, newRS: ReplicaSet | undefined, now: Date): number | undefined {
  if (!hasProgressDeadline(d) || d.spec.paused) return undefined;
  const rsName = newRS?.metadata.name ?? '';
  if (isComplete(d, s)) {
    setCondition(s, { type: 'Progressing', status: 'True', reason: reasons.newRSAvailable, message: `ReplicaSet "${rsName}" has successfully progressed.` }, now);
    return undefined;
  }
  if (isProgressing(d.status, s)) {
    const at = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const prev = condition(s, 'Progressing');
    const next: DeploymentCondition = { type: 'Progressing', status: 'True', reason: reasons.rsUpdated, message: `ReplicaSet "${rsName}" is progressing.`, lastUpdateTime: at, lastTransitionTime: prev?.status === 'True' ? (prev.lastTransitionTime ?? at) : at };
    s.conditions = [...(s.conditions ?? []).filter((x) => x.type !== 'Progressing'), next];
  }
  const current = condition(s, 'Progressing');
  if (current?.reason === reasons.timedOut) return undefined;
  const since = current?.lastUpdateTime;
  const deadlineMs = (d.spec.progressDeadlineSeconds ?? 600) * 1000;
  const started = since ? Date.parse(since) : now.getTime();
  const left = started + deadlineMs - now.getTime();
  if (left <= 0) {
    setCondition(s, { type: 'Progressing', status: 'False', reason: reasons.timedOut, message: `ReplicaSet "${rsName}" has timed out progressing.` }, now);
    return undefined;
  }
  return left + 100;
}

export function sameStatus(a: Status | undefined, b: Status): boolean {
  return stableJson(a ?? {}) === stableJson(b);
}
