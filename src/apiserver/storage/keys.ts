/** Store keys for API objects: `/registry/<group|core>/<plural>/[<namespace>/]<name>`. */
import type { ResourceType } from '../../api/types.js';

export function resourcePrefix(rt: Pick<ResourceType, 'group' | 'plural'>): string {
  return `/registry/${rt.group || 'core'}/${rt.plural}/`;
}

/** Prefix of one namespace's objects, or of every object of the resource. */
export function listPrefix(rt: Pick<ResourceType, 'group' | 'plural' | 'namespaced'>, namespace: string | undefined): string {
  return rt.namespaced && namespace ? `${resourcePrefix(rt)}${namespace}/` : resourcePrefix(rt);
}

export function objectKey(rt: Pick<ResourceType, 'group' | 'plural' | 'namespaced'>, namespace: string | undefined, name: string): string {
  return rt.namespaced ? `${resourcePrefix(rt)}${namespace ?? ''}/${name}` : `${resourcePrefix(rt)}${name}`;
}
