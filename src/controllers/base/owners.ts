/** ownerReferences helpers: the controller reference, adoption and release patches. */
import type { KubeObject, OwnerReference } from '../../api/types.js';

export function controllerRefOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(obj: KubeObject, owner: KubeObject): boolean {
  const ref = controllerRefOf(obj);
  return ref !== undefined && ref.uid === owner.metadata?.uid;
}

/** The controller reference an owner puts on what it creates or adopts. */
export function newControllerRef(owner: KubeObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/**
 * A merge patch that adopts `obj`. It carries the object's resourceVersion, so it fails with a
 * Conflict if the object changed since the cache saw it (then the sync re-reads and retries).
 */
export function adoptPatch(obj: KubeObject, ref: OwnerReference): unknown {
  const refs = (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== ref.uid);
  return { metadata: { ownerReferences: [...refs, ref], resourceVersion: obj.metadata?.resourceVersion } };
}

/** A merge patch that removes the owner's reference from `obj` (same concurrency guard). */
export function releasePatch(obj: KubeObject, ownerUid: string): unknown {
  const refs = (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  return { metadata: { ownerReferences: refs.length > 0 ? refs : null, resourceVersion: obj.metadata?.resourceVersion } };
}
