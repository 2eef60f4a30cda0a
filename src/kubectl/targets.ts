/**
 * Turning `TYPE[,TYPE...] [NAME...]` or `TYPE/NAME...` and `-f` manifests into concrete
 * targets: a resource, a namespace and optionally a name, as kubectl's resource builder.
 */
import type { ApiResource } from '../client/index.js';
import type { KubeObject } from '../api/types.js';
import { UsageError } from './args.js';
import type { Factory } from './factory.js';

export interface Target {
  resource: ApiResource;
  /** Empty: every object (subject to selectors). */
  names: string[];
  /** True when the type came from a category such as `all`. */
  fromCategory: boolean;
  /** Set for objects read from manifests (their own namespace). */
  namespace?: string | undefined;
}

export async function resolveTargets(f: Factory, positional: readonly string[]): Promise<Target[]> {
  const [first, ...rest] = positional;
  if (first === undefined) return [];
  const discovery = f.discovery();
  if (first.includes('/')) {
    const targets: Target[] = [];
    for (const arg of positional) {
      const slash = arg.indexOf('/');
      if (slash < 0) throw new UsageError(`there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'`);
      const [resource] = await discovery.resolve(arg.slice(0, slash));
      if (!resource) continue;
      const name = arg.slice(slash + 1);
      const prev = targets[targets.length - 1];
      if (prev && prev.resource === resource) prev.names.push(name);
      else targets.push({ resource, names: [name], fromCategory: false });
    }
    return targets;
  }
  const targets: Target[] = [];
  for (const type of first.split(',').filter((t) => t !== '')) {
    const resolved = await discovery.resolve(type);
    const fromCategory = resolved.length > 1 || resolved[0]?.categories.includes(type) === true && resolved[0]?.resource !== type;
    for (const resource of resolved) {
      if (!targets.some((t) => t.resource === resource)) targets.push({ resource, names: [...rest], fromCategory });
    }
  }
  return targets;
}

/** The namespace a manifest object goes to, checked against an explicit -n. */
export function manifestNamespace(f: Factory, obj: KubeObject, resource: ApiResource): string | undefined {
  if (!resource.namespaced) return undefined;
  const own = obj.metadata?.namespace;
  const ns = f.namespace();
  if (own && f.namespaceExplicit() && own !== ns) {
    throw new Error(`the namespace from the provided object "${own}" does not match the namespace "${ns}". You must pass '--namespace=${own}' to perform this operation.`);
  }
  return own || ns;
}
