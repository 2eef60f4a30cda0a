/**
 * Private stand-in for the registry engineer's discovery builders (src/api/discovery.ts):
 * aggregated (apidiscovery.k8s.io/v2) and legacy documents from the served resources.
 */
import type { ResourceType } from '../../api/types.js';

function subresourceKind(rt: ResourceType, sub: string): { group: string; version: string; kind: string } {
  if (sub === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  return { group: rt.group, version: rt.version, kind: rt.kind };
}

const subVerbs = (sub: string): string[] => (sub === 'status' || sub === 'scale' ? ['get', 'patch', 'update'] : sub === 'log' ? ['get'] : ['create', 'get']);

function groupsOf(resources: readonly ResourceType[]): Map<string, Map<string, ResourceType[]>> {
  const groups = new Map<string, Map<string, ResourceType[]>>();
  for (const rt of resources) {
    const versions = groups.get(rt.group) ?? new Map<string, ResourceType[]>();
    versions.set(rt.version, [...(versions.get(rt.version) ?? []), rt]);
    groups.set(rt.group, versions);
  }
  return groups;
}

export function aggregatedDiscovery(resources: readonly ResourceType[], core: boolean): unknown {
  const items = [...groupsOf(resources)].filter(([g]) => (g === '') === core).map(([group, versions]) => ({
    metadata: { name: group },
    versions: [...versions].map(([version, rts]) => ({
      version, freshness: 'Current',
      resources: rts.map((rt) => ({
        resource: rt.plural, responseKind: { group: rt.group, version: rt.version, kind: rt.kind },
        scope: rt.namespaced ? 'Namespaced' : 'Cluster', singularResource: rt.singular, verbs: [...rt.verbs],
        ...(rt.shortNames.length ? { shortNames: [...rt.shortNames] } : {}),
        ...(rt.categories.length ? { categories: [...rt.categories] } : {}),
        ...(rt.subresources.length ? { subresources: rt.subresources.map((s) => ({ subresource: s, responseKind: subresourceKind(rt, s), verbs: subVerbs(s) })) } : {}),
      })),
    })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

export function legacyApiVersions(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function legacyGroupList(resources: readonly ResourceType[]): unknown {
  const groups = [...groupsOf(resources)].filter(([g]) => g !== '').map(([name, versions]) => {
    const vs = [...versions.keys()].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: vs, preferredVersion: vs[0] };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function legacyGroup(resources: readonly ResourceType[], group: string): unknown {
  const versions = groupsOf(resources).get(group);
  if (!versions) return undefined;
  const vs = [...versions.keys()].map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: vs, preferredVersion: vs[0] };
}

export function legacyResourceList(resources: readonly ResourceType[], group: string, version: string): unknown {
  const rts = resources.filter((r) => r.group === group && r.version === version);
  if (rts.length === 0) return undefined;
  const list: unknown[] = [];
  for (const rt of rts) {
    list.push({ name: rt.plural, singularName: rt.singular, namespaced: rt.namespaced, kind: rt.kind, verbs: [...rt.verbs],
      ...(rt.shortNames.length ? { shortNames: [...rt.shortNames] } : {}), ...(rt.categories.length ? { categories: [...rt.categories] } : {}) });
    for (const s of rt.subresources) {
      const k = subresourceKind(rt, s);
      list.push({ name: `${rt.plural}/${s}`, singularName: '', namespaced: rt.namespaced, kind: k.kind, verbs: subVerbs(s), ...(k.group !== rt.group ? { group: k.group, version: k.version } : {}) });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: list };
}
