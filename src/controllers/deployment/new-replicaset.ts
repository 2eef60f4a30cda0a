/**
 * Creating the ReplicaSet for a Deployment's current template, and keeping an existing one's
 * revision at max(old) + 1 (so `rollout undo` to an old template makes it the newest
 * revision again), as upstream getNewReplicaSet.
 */
import { StatusError } from '../../client/index.js';
import type { Deployment, ReplicaSet } from '../base/objects.js';
import { templateHash } from '../base/hash.js';
import { newControllerRef } from '../base/owners.js';
import type { ResourceClient } from '../../client/typed/index.js';
import { desiredReplicas, newReplicaSetTarget, surgeAndUnavailable } from './rolling.js';
import {
  annotationsForNewReplicaSet, desiredReplicasAnnotation, equalIgnoringHash, hashLabel, maxReplicasAnnotation,
  maxRevision, revisionAnnotation, revisionHistoryAnnotation, revisionOf,
} from './revisions.js';

export interface ReplicaSetWriter {
  readonly rsClient: ResourceClient<ReplicaSet>;
  readonly dClient: ResourceClient<Deployment>;
}

function sizeAnnotations(d: Deployment): Record<string, string> {
  return { [desiredReplicasAnnotation]: String(desiredReplicas(d)), [maxReplicasAnnotation]: String(desiredReplicas(d) + surgeAndUnavailable(d).maxSurge) };
}

/** Creates the new ReplicaSet; on a name collision with a different template, bumps collisionCount and fails so the sync retries. */
export async function createNewReplicaSet(w: ReplicaSetWriter, d: Deployment, old: readonly ReplicaSet[]): Promise<ReplicaSet | undefined> {
  const collisionCount = d.status?.collisionCount ?? 0;
  const hash = templateHash(d.spec.template, collisionCount);
  const template = structuredClone(d.spec.template);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [hashLabel]: hash } };
  const selector = structuredClone(d.spec.selector);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [hashLabel]: hash };
  const revision = maxRevision(old) + 1;
  const isRecreate = d.spec.strategy?.type === 'Recreate';
  const replicas = isRecreate ? 0 : newReplicaSetTarget(d, old, undefined);
  const rs: ReplicaSet = {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace ?? 'default',
      labels: { ...(template.metadata.labels ?? {}) },
      annotations: { ...annotationsForNewReplicaSet(d), ...sizeAnnotations(d), [revisionAnnotation]: String(revision) },
      ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
    },
    spec: { replicas, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
  try {
    return await w.rsClient.create(rs.metadata.namespace, rs);
  } catch (err: unknown) {
    if (!(err instanceof StatusError && err.code === 409 && err.reason === 'AlreadyExists')) throw err;
    const existing = await w.rsClient.get(rs.metadata.namespace, rs.metadata.name ?? '');
    const ours = existing.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid);
    if (ours && equalIgnoringHash(existing.spec.template, d.spec.template)) return existing;
    // A hash collision: a different template under this name. Try the next name.
    await w.dClient.updateStatus({ ...d, status: { ...(d.status ?? {}), collisionCount: collisionCount + 1 } });
    throw new Error(`replica set name ${rs.metadata.name} collides; collisionCount now ${collisionCount + 1}`, { cause: err });
  }
}

/** Gives the current ReplicaSet revision max(old)+1 when an older revision is rolled back to, and the Deployment's minReadySeconds. */
export async function syncRevision(w: ReplicaSetWriter, d: Deployment, rs: ReplicaSet, maxOld: number): Promise<ReplicaSet> {
  const current = revisionOf(rs);
  const wanted = maxOld + 1;
  // minReadySeconds follows the Deployment (it is not part of the template).
  if ((rs.spec.minReadySeconds ?? 0) !== (d.spec.minReadySeconds ?? 0)) {
    rs = await w.rsClient.patch(rs.metadata.namespace, rs.metadata.name ?? '', 'merge', { spec: { minReadySeconds: d.spec.minReadySeconds ?? 0 } });
  }
  if (current >= wanted) return rs;
  const history = rs.metadata.annotations?.[revisionHistoryAnnotation];
  const revisions = [...(history ? history.split(',') : []), ...(current > 0 ? [String(current)] : [])];
  const annotations: Record<string, string> = { ...annotationsForNewReplicaSet(d), [revisionAnnotation]: String(wanted) };
  if (revisions.length > 0) annotations[revisionHistoryAnnotation] = revisions.join(',');
  return w.rsClient.patch(rs.metadata.namespace, rs.metadata.name ?? '', 'merge', { metadata: { annotations } });
}
