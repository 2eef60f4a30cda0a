/**
 * The garbage collector's view of ownership: every watched object by uid, and for each owner
 * uid the objects that name it in ownerReferences. Updated synchronously from informer events.
 */
import type { KubeObject } from '../../api/types.js';

export interface Node { readonly key: string; readonly obj: KubeObject }

export class OwnerGraph {
  private readonly byUid = new Map<string, Node>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly objects = new Map<string, KubeObject>();

  upsert(key: string, obj: KubeObject): void {
    const old = this.objects.get(key);
    if (old) this.unlink(key, old);
    this.objects.set(key, obj);
    const uid = obj.metadata?.uid;
    if (uid) this.byUid.set(uid, { key, obj });
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(key);
    }
  }

  remove(key: string): void {
    const old = this.objects.get(key);
    if (!old) return;
    this.unlink(key, old);
    this.objects.delete(key);
  }

  private unlink(key: string, obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (uid && this.byUid.get(uid)?.key === key) this.byUid.delete(uid);
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      const set = this.dependents.get(ref.uid);
      set?.delete(key);
      if (set?.size === 0) this.dependents.delete(ref.uid);
    }
  }

  get(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  byOwnerUid(uid: string): Node | undefined {
    return this.byUid.get(uid);
  }

  dependentKeys(ownerUid: string): string[] {
    return [...(this.dependents.get(ownerUid) ?? [])];
  }
}
