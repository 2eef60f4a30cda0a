/**
 * The resource registry: every served resource type, in upstream's discovery order, with
 * the lookups the API server (routing by group/version/plural, objects by kind) and
 * clients (kubectl-style names such as `po`, `deploy.apps`, `deployments.v1.apps`) need.
 * Custom resources are added and removed at run time as their CRDs come and go.
 */
import type { KubeObject, ResourceType } from './types.js';
import { resourceTypesFromCRD } from './crd.js';
import { compareKubeVersions } from './version-order.js';
import { recordAt, stringAt } from './meta/json.js';

/** Upstream's /apis group order for the groups skiff serves (others follow alphabetically). */
export const GROUP_ORDER: readonly string[] = [
  '', 'apiregistration.k8s.io', 'apps', 'events.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io', 'autoscaling',
  'batch', 'certificates.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io',
  'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'scheduling.k8s.io', 'coordination.k8s.io', 'node.k8s.io',
  'discovery.k8s.io', 'flowcontrol.apiserver.k8s.io', 'resource.k8s.io',
];

export interface GroupVersions {
  readonly name: string;
  /** Preferred version first. */
  readonly versions: readonly string[];
}

export class RegistryConflictError extends Error {
  override readonly name = 'RegistryConflictError';
}

function crdIdentity(crd: KubeObject): { group: string | undefined; plural: string | undefined } {
  const spec = recordAt(crd, 'spec');
  return { group: stringAt(spec, 'group'), plural: stringAt(recordAt(spec, 'names'), 'plural') };
}

function key(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}

function groupRank(group: string): number {
  const i = GROUP_ORDER.indexOf(group);
  return i >= 0 ? i : GROUP_ORDER.length;
}

export class Registry {
  private readonly builtin = new Map<string, ResourceType>();
  private readonly custom = new Map<string, ResourceType>();
  private ordered: ResourceType[] | undefined;
  private changes = 0;

  constructor(builtins: readonly ResourceType[] = []) {
    for (const rt of builtins) this.builtin.set(key(rt.group, rt.version, rt.plural), rt);
  }

  /** Increases whenever the set of resources changes (for discovery caching and ETags). */
  get generation(): number {
    return this.changes;
  }

  /** Every resource type: core first, then groups in upstream order, preferred version first, plurals sorted. */
  all(): readonly ResourceType[] {
    if (!this.ordered) {
      const list = [...this.builtin.values(), ...this.custom.values()];
      this.ordered = list.sort((a, b) => {
        if (a.group !== b.group) {
          const r = groupRank(a.group) - groupRank(b.group);
          return r !== 0 ? r : a.group < b.group ? -1 : 1;
        }
        if (a.version !== b.version) return compareKubeVersions(a.version, b.version);
        return a.plural < b.plural ? -1 : a.plural > b.plural ? 1 : 0;
      });
    }
    return this.ordered;
  }

  /** Groups and their versions in discovery order; the core group is named ''. */
  groups(): GroupVersions[] {
    // all() is sorted by group then version, so insertion order is discovery order.
    const versions = new Map<string, string[]>();
    for (const rt of this.all()) {
      const list = versions.get(rt.group) ?? [];
      if (!list.includes(rt.version)) list.push(rt.version);
      versions.set(rt.group, list);
    }
    return [...versions].map(([name, list]) => ({ name, versions: list }));
  }

  /** Resource types of one group/version, plurals sorted. */
  resourcesIn(group: string, version: string): ResourceType[] {
    return this.all().filter((rt) => rt.group === group && rt.version === version);
  }

  /** The entry serving `/api(s)/<group>/<version>/.../<plural>`. */
  get(group: string, version: string, plural: string): ResourceType | undefined {
    return this.custom.get(key(group, version, plural)) ?? this.builtin.get(key(group, version, plural));
  }

  /** The entry for a kind: exact group and version when given, else the first in discovery order. */
  forKind(kind: string, group?: string, version?: string): ResourceType | undefined {
    return this.all().find((rt) => rt.kind === kind && (group === undefined || rt.group === group) && (version === undefined || rt.version === version));
  }

  /** The entry for an object's apiVersion and kind. */
  forObject(obj: KubeObject): ResourceType | undefined {
    const apiVersion = obj.apiVersion ?? '';
    const slash = apiVersion.indexOf('/');
    const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
    const version = slash >= 0 ? apiVersion.slice(slash + 1) : apiVersion;
    return obj.kind ? this.forKind(obj.kind, group, version) : undefined;
  }

  /**
   * Resolves a name as kubectl does, case-insensitively: a short name (`po`), plural
   * (`pods`), singular (`pod`) or kind (`Pod`), optionally qualified as `resource.group`
   * or `resource.version.group`. The preferred version wins; the core group wins ties.
   */
  resolve(arg: string): ResourceType | undefined {
    const name = arg.toLowerCase();
    const dot = name.indexOf('.');
    if (dot < 0) return this.match(name);
    const resource = name.slice(0, dot);
    const rest = name.slice(dot + 1);
    const dot2 = rest.indexOf('.');
    if (dot2 >= 0) {
      const versioned = this.match(resource, rest.slice(dot2 + 1), rest.slice(0, dot2));
      if (versioned) return versioned;
    }
    return this.match(resource, rest);
  }

  /** Resources in a category (`all`), preferred versions only, in discovery order. */
  category(name: string): ResourceType[] {
    const seen = new Set<string>();
    const out: ResourceType[] = [];
    for (const rt of this.all()) {
      const id = `${rt.group}/${rt.plural}`;
      if (seen.has(id)) continue;
      seen.add(id);
      if (rt.categories.includes(name)) out.push(rt);
    }
    return out;
  }

  /** Adds (or replaces) a custom resource type. Built-in resources cannot be shadowed. */
  addCustom(rt: ResourceType): void {
    const k = key(rt.group, rt.version, rt.plural);
    if (this.builtin.has(k)) throw new RegistryConflictError(`${rt.plural}.${rt.group}/${rt.version} is a built-in resource`);
    this.custom.set(k, rt);
    this.changed();
  }

  /** Removes custom resource types of a group and plural (every version unless one is named). */
  removeCustom(group: string, plural: string, version?: string): boolean {
    let removed = false;
    for (const [k, rt] of this.custom) {
      if (rt.group === group && rt.plural === plural && (version === undefined || rt.version === version)) {
        this.custom.delete(k);
        removed = true;
      }
    }
    if (removed) this.changed();
    return removed;
  }

  /** Makes the registry serve exactly what a CRD currently defines (create or update). */
  applyCRD(crd: KubeObject): ResourceType[] {
    const types = resourceTypesFromCRD(crd);
    const { group, plural } = crdIdentity(crd);
    if (group && plural) this.removeCustom(group, plural);
    for (const rt of types) this.addCustom(rt);
    return types;
  }

  /** Stops serving a deleted CRD's resources. */
  removeCRD(crd: KubeObject): boolean {
    const { group, plural } = crdIdentity(crd);
    return group && plural ? this.removeCustom(group, plural) : false;
  }

  private match(name: string, group?: string, version?: string): ResourceType | undefined {
    const candidates = this.all().filter((rt) => (group === undefined || rt.group === group) && (version === undefined || rt.version === version));
    // kubectl expands short names before matching plurals and singulars.
    return candidates.find((rt) => rt.shortNames.some((s) => s.toLowerCase() === name))
      ?? candidates.find((rt) => rt.plural === name || rt.singular === name || rt.kind.toLowerCase() === name);
  }

  private changed(): void {
    this.ordered = undefined;
    this.changes++;
  }
}
