/**
 * API discovery: which resources the server serves, read from aggregated discovery
 * (`/api` + `/apis` with the apidiscovery.k8s.io/v2 media type) with a fallback to the
 * legacy per-group-version documents. Resolves what users type (`po`, `pods`, `Pod`,
 * `deployments.apps`, `deploy.v1.apps`, categories like `all`) to resources, as kubectl's
 * RESTMapper and shortcut expander do.
 */
import type { RestClient } from './rest.js';

export interface ApiResource {
  group: string;
  version: string;
  /** `apps/v1` or `v1`. */
  groupVersion: string;
  /** Plural resource name used in URLs. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  /** Whether this version is the group's preferred one (the first listed). */
  preferred: boolean;
  subresources: string[];
}

export interface ApiGroupInfo {
  name: string;
  versions: string[];
  preferredVersion: string;
}

interface AggregatedList {
  kind?: string;
  items?: Array<{
    metadata?: { name?: string };
    versions?: Array<{
      version: string;
      resources?: Array<{
        resource: string;
        responseKind?: { group?: string; version?: string; kind?: string };
        scope?: string;
        singularResource?: string;
        verbs?: string[];
        shortNames?: string[];
        categories?: string[];
        subresources?: Array<{ subresource: string }>;
      }>;
    }>;
  }>;
}

interface LegacyResourceList {
  groupVersion?: string;
  resources?: Array<{ name: string; singularName?: string; namespaced: boolean; kind: string; verbs?: string[]; shortNames?: string[]; categories?: string[] }>;
}

const aggregatedAccept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

export class Discovery {
  private loaded: Promise<{ groups: ApiGroupInfo[]; resources: ApiResource[] }> | undefined;

  constructor(private readonly client: RestClient) {}

  /** Every resource of every served version, core group first, in the server's order. */
  async allResources(): Promise<ApiResource[]> {
    return (await this.load()).resources;
  }

  async groups(): Promise<ApiGroupInfo[]> {
    return (await this.load()).groups;
  }

  /** Resources of each group's preferred version (what `api-resources` lists). */
  async preferredResources(): Promise<ApiResource[]> {
    return (await this.allResources()).filter((r) => r.preferred);
  }

  /** Forgets what was loaded (after creating a CRD, for example). */
  invalidate(): void {
    this.loaded = undefined;
  }

  private load(): Promise<{ groups: ApiGroupInfo[]; resources: ApiResource[] }> {
    this.loaded ??= this.fetchAll();
    return this.loaded;
  }

  private async fetchAll(): Promise<{ groups: ApiGroupInfo[]; resources: ApiResource[] }> {
    const [core, rest] = await Promise.all([
      this.client.raw({ path: '/api', accept: aggregatedAccept }),
      this.client.raw({ path: '/apis', accept: aggregatedAccept }),
    ]);
    const isAggregated = (ct: string | undefined): boolean => (ct ?? '').includes('APIGroupDiscoveryList');
    if (core.status === 200 && rest.status === 200 && isAggregated(core.headers['content-type']) && isAggregated(rest.headers['content-type'])) {
      return fromAggregated([JSON.parse(core.body) as AggregatedList, JSON.parse(rest.body) as AggregatedList]);
    }
    return this.fetchLegacy();
  }

  private async fetchLegacy(): Promise<{ groups: ApiGroupInfo[]; resources: ApiResource[] }> {
    const versions = await this.client.get<{ versions?: string[] }>('/api');
    const groupList = await this.client.get<{ groups?: Array<{ name: string; versions: Array<{ version: string }>; preferredVersion?: { version: string } }> }>('/apis');
    const groups: ApiGroupInfo[] = [{ name: '', versions: versions.versions ?? ['v1'], preferredVersion: versions.versions?.[0] ?? 'v1' }];
    for (const g of groupList.groups ?? []) {
      const vs = g.versions.map((v) => v.version);
      groups.push({ name: g.name, versions: vs, preferredVersion: g.preferredVersion?.version ?? vs[0] ?? '' });
    }
    const lists = await Promise.all(groups.flatMap((g) => g.versions.map(async (v) => {
      const path = g.name === '' ? `/api/${v}` : `/apis/${g.name}/${v}`;
      return { g, v, list: await this.client.get<LegacyResourceList>(path) };
    })));
    const resources: ApiResource[] = [];
    for (const { g, v, list } of lists) {
      const subs = new Map<string, string[]>();
      for (const r of list.resources ?? []) {
        const [main, sub] = r.name.split('/');
        if (sub && main) subs.set(main, [...(subs.get(main) ?? []), sub]);
      }
      for (const r of list.resources ?? []) {
        if (r.name.includes('/')) continue;
        resources.push({
          group: g.name, version: v, groupVersion: g.name ? `${g.name}/${v}` : v, resource: r.name,
          singular: r.singularName || r.kind.toLowerCase(), kind: r.kind, namespaced: r.namespaced,
          verbs: r.verbs ?? [], shortNames: r.shortNames ?? [], categories: r.categories ?? [],
          preferred: g.preferredVersion === v, subresources: subs.get(r.name) ?? [],
        });
      }
    }
    return { groups, resources };
  }

  /**
   * Resolves one resource argument to the resources it names: a category (`all`) expands to
   * its members; otherwise one resource of the preferred version (or the version asked for).
   * Throws `the server doesn't have a resource type "x"` as kubectl does.
   */
  async resolve(arg: string): Promise<ApiResource[]> {
    const all = await this.allResources();
    const found = findResource(all, arg);
    if (found) return [found];
    const inCategory = all.filter((r) => r.preferred && r.categories.includes(arg));
    if (inCategory.length > 0) return inCategory;
    throw new Error(`the server doesn't have a resource type "${arg}"`);
  }

  /** The resource for a kind (as found in manifests), by apiVersion + kind. */
  async forKind(apiVersion: string, kind: string): Promise<ApiResource> {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) as [string, string] : ['', apiVersion];
    const all = await this.allResources();
    const hit = all.find((r) => r.group === group && r.version === version && r.kind === kind);
    if (!hit) throw new Error(`resource mapping not found for name: "" namespace: "" from "": no matches for kind "${kind}" in version "${apiVersion}"\nensure CRDs are installed first`);
    return hit;
  }
}

function fromAggregated(lists: AggregatedList[]): { groups: ApiGroupInfo[]; resources: ApiResource[] } {
  const groups: ApiGroupInfo[] = [];
  const resources: ApiResource[] = [];
  for (const list of lists) {
    for (const item of list.items ?? []) {
      const group = item.metadata?.name ?? '';
      const versions = (item.versions ?? []).map((v) => v.version);
      groups.push({ name: group, versions, preferredVersion: versions[0] ?? '' });
      (item.versions ?? []).forEach((v, index) => {
        for (const r of v.resources ?? []) {
          // kubectl drops resources without a responseKind; so do we, to list the same set.
          if (!r.responseKind?.kind) continue;
          resources.push({
            group, version: v.version, groupVersion: group ? `${group}/${v.version}` : v.version,
            resource: r.resource, singular: r.singularResource || r.responseKind.kind.toLowerCase(),
            kind: r.responseKind.kind, namespaced: r.scope === 'Namespaced', verbs: r.verbs ?? [],
            shortNames: r.shortNames ?? [], categories: r.categories ?? [], preferred: index === 0,
            subresources: (r.subresources ?? []).map((s) => s.subresource),
          });
        }
      });
    }
  }
  return { groups, resources };
}

/**
 * kubectl's matching: short names match exactly; otherwise the argument, lower-cased, is
 * compared with plural, singular and kind, optionally qualified as `name.group` or
 * `name.version.group`. The preferred version wins among several.
 */
export function findResource(all: readonly ApiResource[], arg: string): ApiResource | undefined {
  const short = all.filter((r) => r.shortNames.includes(arg));
  const pickPreferred = (list: ApiResource[]): ApiResource | undefined => list.find((r) => r.preferred) ?? list[0];
  if (short.length > 0) return pickPreferred(short);
  const lower = arg.toLowerCase();
  const matchesName = (r: ApiResource, name: string): boolean =>
    r.resource === name || r.singular === name || r.kind.toLowerCase() === name;
  // Unqualified first: core group before others, as kubectl's priority mapper does.
  const plain = all.filter((r) => matchesName(r, lower));
  const plainCore = plain.filter((r) => r.group === '');
  if (plainCore.length > 0) return pickPreferred(plainCore);
  if (plain.length > 0) return pickPreferred(plain);
  const parts = lower.split('.');
  const name = parts[0] ?? '';
  const shortName = arg.split('.')[0] ?? '';
  const rest = parts.slice(1).join('.');
  // In qualified forms (`deploy.apps`) the first part may also be a short name.
  const matchesQualified = (r: ApiResource): boolean => matchesName(r, name) || r.shortNames.includes(shortName);
  const withGroup = all.filter((r) => matchesQualified(r) && r.group === rest);
  if (withGroup.length > 0) return pickPreferred(withGroup);
  const version = parts[1] ?? '';
  const group = parts.slice(2).join('.');
  return all.find((r) => matchesQualified(r) && r.version === version && r.group === group);
}

/** URL path of a resource collection or object. */
export function resourcePath(r: Pick<ApiResource, 'group' | 'version' | 'resource' | 'namespaced'>, opts: { namespace?: string; name?: string; subresource?: string } = {}): string {
  let p = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  if (r.namespaced && opts.namespace) p += `/namespaces/${encodeURIComponent(opts.namespace)}`;
  p += `/${r.resource}`;
  if (opts.name !== undefined) p += `/${encodeURIComponent(opts.name)}`;
  if (opts.subresource) p += `/${opts.subresource}`;
  return p;
}

/** `pods` or `deployments.apps`, as kubectl names a resource in messages. */
export function groupResource(r: Pick<ApiResource, 'group' | 'resource'>): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

/** `pod` or `deployment.apps`, as kubectl prefixes names (`pod/nginx`). */
export function kindPrefix(r: Pick<ApiResource, 'group' | 'kind'>): string {
  const k = r.kind.toLowerCase();
  return r.group ? `${k}.${r.group}` : k;
}
