/**
 * Claiming (upstream ControllerRefManager): an owner keeps the objects it controls that its
 * selector still matches, releases those it no longer matches, and adopts orphans that match.
 * An owner being deleted neither adopts nor releases.
 */
import type { KubeObject, OwnerReference } from '../../api/types.js';
import { isNotFound } from '../../client/index.js';
import type { ResourceClient } from '../../client/typed/index.js';
import type { LabelSelector } from '../../machinery/selectors.js';
import { adoptPatch, controllerRefOf, releasePatch } from './owners.js';

export async function claimObjects<T extends KubeObject>(o: {
  owner: KubeObject; ownerRef: OwnerReference; selector: LabelSelector; candidates: readonly T[]; client: ResourceClient<T>;
}): Promise<T[]> {
  const ownerUid = o.owner.metadata?.uid ?? '';
  const ownerDeleting = Boolean(o.owner.metadata?.deletionTimestamp);
  const claimed: T[] = [];
  for (const obj of o.candidates) {
    const ref = controllerRefOf(obj);
    const matches = o.selector.matches(obj.metadata?.labels);
    const ns = obj.metadata?.namespace;
    const name = obj.metadata?.name ?? '';
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (matches || ownerDeleting) {
        claimed.push(obj);
        continue;
      }
      try {
        await o.client.patch(ns, name, 'merge', releasePatch(obj, ownerUid));
      } catch (err: unknown) {
        if (!isNotFound(err)) throw err;
      }
      continue;
    }
    if (!matches || ownerDeleting || obj.metadata?.deletionTimestamp) continue;
    try {
      claimed.push(await o.client.patch(ns, name, 'merge', adoptPatch(obj, o.ownerRef)));
    } catch (err: unknown) {
      if (!isNotFound(err)) throw err;
    }
  }
  return claimed;
}
