/** Read access to an informer's cache, as client-go listers: get, list by namespace and labels. */
import type { KubeObject } from '../../api/types.js';
import { everythingLabels, type LabelSelector } from '../../machinery/selectors.js';
import type { ObjectCache } from './cache.js';

export class Lister<T extends KubeObject> {
  constructor(private readonly cache: ObjectCache<T>) {}

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  /** Every object (in one namespace when given) whose labels match the selector. */
  list(opts: { namespace?: string; selector?: LabelSelector } = {}): T[] {
    const selector = opts.selector ?? everythingLabels;
    const source = opts.namespace !== undefined ? this.cache.inNamespace(opts.namespace) : this.cache.values();
    const out: T[] = [];
    for (const obj of source) if (selector.matches(obj.metadata?.labels)) out.push(obj);
    return out;
  }
}
