/**
 * The informer's local cache: objects by `namespace/name` (or `name` for cluster-scoped
 * kinds) with a namespace index. Objects in it are shared and must be treated as read-only:
 * clone before changing one.
 */
import type { KubeObject } from '../../api/types.js';

export function keyOf(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: undefined, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export class ObjectCache<T extends KubeObject> {
  private readonly byKey = new Map<string, T>();
  private readonly byNamespace = new Map<string, Map<string, T>>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): T | undefined {
    return this.byKey.get(key);
  }

  /** Stores the object; returns the one it replaced. */
  set(obj: T): T | undefined {
    const key = keyOf(obj);
    const old = this.byKey.get(key);
    this.byKey.set(key, obj);
    const ns = obj.metadata?.namespace ?? '';
    let bucket = this.byNamespace.get(ns);
    if (!bucket) this.byNamespace.set(ns, (bucket = new Map()));
    bucket.set(key, obj);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.byKey.get(key);
    if (!old) return undefined;
    this.byKey.delete(key);
    const ns = old.metadata?.namespace ?? '';
    const bucket = this.byNamespace.get(ns);
    bucket?.delete(key);
    if (bucket?.size === 0) this.byNamespace.delete(ns);
    return old;
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  values(): IterableIterator<T> {
    return this.byKey.values();
  }

  inNamespace(namespace: string): Iterable<T> {
    return this.byNamespace.get(namespace)?.values() ?? [];
  }
}
