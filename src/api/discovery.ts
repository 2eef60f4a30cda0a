/**
 * Discovery documents built from a Registry: aggregated discovery (apidiscovery.k8s.io/v2,
 * what kubectl 1.32 asks for first) and the legacy APIVersions / APIGroupList / APIGroup /
 * APIResourceList documents it falls back to. Pure: the HTTP layer picks one and serves it
 * with the right Content-Type (AGGREGATED_DISCOVERY_CONTENT_TYPE for the aggregated form).
 */
import { createHash } from 'node:crypto';
import type { GroupVersionKind, ResourceType } from './types.js';
import { groupVersionString } from './types.js';
import type { Registry } from './registry.js';

export const AGGREGATED_DISCOVERY_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

export interface SubresourceDiscovery {
  subresource: string;
  responseKind: GroupVersionKind;
  verbs: string[];
}

export interface ResourceDiscovery {
  resource: string;
  responseKind: GroupVersionKind;
  scope: 'Namespaced' | 'Cluster';
  singularResource: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  subresources?: SubresourceDiscovery[];
}

export interface VersionDiscovery {
  version: string;
  resources: ResourceDiscovery[];
  freshness: 'Current';
}

export interface GroupDiscovery {
  metadata: { name: string };
  versions: VersionDiscovery[];
}

export interface GroupDiscoveryList {
  kind: 'APIGroupDiscoveryList';
  apiVersion: 'apidiscovery.k8s.io/v2';
  metadata: Record<string, never>;
  items: GroupDiscovery[];
}

interface SubresourceShape { kind: (rt: ResourceType) => GroupVersionKind; verbs: string[] }

const own = (rt: ResourceType): GroupVersionKind => ({ group: rt.group, version: rt.version, kind: rt.kind });
const core = (kind: string) => (): GroupVersionKind => ({ group: '', version: 'v1', kind });

/** What each subresource answers with and which verbs it takes, as upstream advertises. */
const SUBRESOURCES: Record<string, SubresourceShape> = {
  status: { kind: own, verbs: ['get', 'patch', 'update'] },
  scale: { kind: () => ({ group: 'autoscaling', version: 'v1', kind: 'Scale' }), verbs: ['get', 'patch', 'update'] },
  log: { kind: core('Pod'), verbs: ['get'] },
  exec: { kind: core('PodExecOptions'), verbs: ['create', 'get'] },
  attach: { kind: core('PodAttachOptions'), verbs: ['create', 'get'] },
  portforward: { kind: core('PodPortForwardOptions'), verbs: ['create', 'get'] },
  binding: { kind: core('Binding'), verbs: ['create'] },
  eviction: { kind: () => ({ group: 'policy', version: 'v1', kind: 'Eviction' }), verbs: ['create'] },
  ephemeralcontainers: { kind: core('Pod'), verbs: ['get', 'patch', 'update'] },
  finalize: { kind: own, verbs: ['update'] },
  token: { kind: () => ({ group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' }), verbs: ['create'] },
  proxy: { kind: (rt) => ({ group: '', version: 'v1', kind: `${rt.kind}ProxyOptions` }), verbs: ['create', 'delete', 'get', 'patch', 'update'] },
};

function subresourceShape(rt: ResourceType, name: string): { responseKind: GroupVersionKind; verbs: string[] } {
  const shape = SUBRESOURCES[name];
  return shape ? { responseKind: shape.kind(rt), verbs: [...shape.verbs] } : { responseKind: own(rt), verbs: ['get'] };
}

export function resourceDiscovery(rt: ResourceType): ResourceDiscovery {
  const entry: ResourceDiscovery = {
    resource: rt.plural,
    responseKind: own(rt),
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: [...rt.verbs],
  };
  if (rt.shortNames.length > 0) entry.shortNames = [...rt.shortNames];
  if (rt.categories.length > 0) entry.categories = [...rt.categories];
  if (rt.subresources.length > 0) {
    entry.subresources = [...rt.subresources].sort().map((s) => ({ subresource: s, ...subresourceShape(rt, s) }));
  }
  return entry;
}

function groupDiscovery(registry: Registry, group: string, versions: readonly string[]): GroupDiscovery {
  return {
    metadata: { name: group },
    versions: versions.map((version) => ({ version, resources: registry.resourcesIn(group, version).map(resourceDiscovery), freshness: 'Current' })),
  };
}

function discoveryList(items: GroupDiscovery[]): GroupDiscoveryList {
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

/** `GET /api` in aggregated form: the core group only. */
export function aggregatedCoreDiscovery(registry: Registry): GroupDiscoveryList {
  return discoveryList(registry.groups().filter((g) => g.name === '').map((g) => groupDiscovery(registry, g.name, g.versions)));
}

/** `GET /apis` in aggregated form: every named group, in upstream's order. */
export function aggregatedGroupsDiscovery(registry: Registry): GroupDiscoveryList {
  return discoveryList(registry.groups().filter((g) => g.name !== '').map((g) => groupDiscovery(registry, g.name, g.versions)));
}

/** `GET /api` (legacy): the core versions, and where clients reach the server. */
export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupVersionsOf(group: string, versions: readonly string[]): Record<string, unknown> {
  const list = versions.map((version) => ({ groupVersion: groupVersionString(group, version), version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

/** `GET /apis` (legacy). */
export function apiGroupList(registry: Registry): Record<string, unknown> {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: registry.groups().filter((g) => g.name !== '').map((g) => groupVersionsOf(g.name, g.versions)) };
}

/** `GET /apis/<group>`; undefined when the group is not served. */
export function apiGroup(registry: Registry, group: string): Record<string, unknown> | undefined {
  const g = registry.groups().find((x) => x.name === group && group !== '');
  return g ? { kind: 'APIGroup', apiVersion: 'v1', ...groupVersionsOf(g.name, g.versions) } : undefined;
}

/** Upstream's storageVersionHash: base64 of the first 8 bytes of sha256("group/version/kind"). */
export function storageVersionHash(group: string, version: string, kind: string): string {
  return createHash('sha256').update(`${group}/${version}/${kind}`).digest().subarray(0, 8).toString('base64');
}

/** `GET /api/v1` or `/apis/<group>/<version>`: resources and their subresources; undefined when not served. */
export function apiResourceList(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const types = registry.resourcesIn(group, version);
  if (types.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const rt of types) {
    const main: Record<string, unknown> = {
      name: rt.plural, singularName: rt.singular, namespaced: rt.namespaced, kind: rt.kind, verbs: [...rt.verbs],
    };
    if (rt.shortNames.length > 0) main['shortNames'] = [...rt.shortNames];
    if (rt.categories.length > 0) main['categories'] = [...rt.categories];
    main['storageVersionHash'] = storageVersionHash(rt.group, rt.version, rt.kind);
    resources.push(main);
    for (const sub of [...rt.subresources].sort()) {
      const { responseKind, verbs } = subresourceShape(rt, sub);
      const entry: Record<string, unknown> = { name: `${rt.plural}/${sub}`, singularName: '', namespaced: rt.namespaced };
      // Legacy lists name the group/version only when it differs from the list's own.
      if (responseKind.group !== rt.group || responseKind.version !== rt.version) {
        entry['group'] = responseKind.group;
        entry['version'] = responseKind.version;
      }
      entry['kind'] = responseKind.kind;
      entry['verbs'] = verbs;
      resources.push(entry);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersionString(group, version), resources };
}
