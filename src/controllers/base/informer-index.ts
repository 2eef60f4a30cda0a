/**
 * A secondary index over an informer's cache (client-go's Indexer), kept current by the
 * informer's events: objects by the values an index function gives (owner uid, node name).
 * Controllers use it so a sync reads the few objects it concerns instead of scanning every
 * pod in a namespace, which matters at tens of thousands of pods.
 *
 * Register it before the controller's own handlers: handlers run in registration order, so
 * the index is already current when a controller's handler looks.
 */
import type { KubeObject } from '../../api/types.js';
import { keyOf, type Informer } from '../../client/informers/index.js';
import { controllerRefOf } from './owners.js';

export class InformerIndex<T extends KubeObject> {
  private readonly buckets = new Map<string, Map<string, T>>();
  private readonly valuesOf = new Map<string, readonly string[]>();

  constructor(informer: Informer<T>, private readonly indexFn: (obj: T) => readonly string[]) {
    informer.addEventHandler({
      onAdd: (obj) => this.put(obj),
      onUpdate: (_old, obj) => this.put(obj),
      onDelete: (obj) => this.remove(keyOf(obj)),
    });
  }

  private put(obj: T): void {
    const key = keyOf(obj);
    this.remove(key);
    const values = this.indexFn(obj);
    this.valuesOf.set(key, values);
    for (const v of values) {
      let bucket = this.buckets.get(v);
      if (!bucket) this.buckets.set(v, (bucket = new Map()));
      bucket.set(key, obj);
    }
  }

  private remove(key: string): void {
    for (const v of this.valuesOf.get(key) ?? []) {
      const bucket = this.buckets.get(v);
      bucket?.delete(key);
      if (bucket?.size === 0) this.buckets.delete(v);
    }
    this.valuesOf.delete(key);
  }

  get(value: string): T[] {
    return [...(this.buckets.get(value)?.values() ?? [])];
  }
}

/**
 * Objects by their controller's uid, and controller-less objects under `orphan:<namespace>`:
 * exactly the candidates an owner may claim (its own, and orphans it might adopt).
 */
export function byControllerIndex<T extends KubeObject>(informer: Informer<T>): InformerIndex<T> {
  return new InformerIndex(informer, (obj) => {
    const ref = controllerRefOf(obj);
    return [ref ? ref.uid : `orphan:${obj.metadata?.namespace ?? ''}`];
  });
}

/** Candidates for claiming by `owner`: what it controls plus its namespace's orphans. */
export function claimCandidates<T extends KubeObject>(index: InformerIndex<T>, owner: KubeObject): T[] {
  return [...index.get(owner.metadata?.uid ?? ''), ...index.get(`orphan:${owner.metadata?.namespace ?? ''}`)];
}
