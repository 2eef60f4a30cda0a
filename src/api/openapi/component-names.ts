/**
 * Maps client-node class names (V1PodSpec, CoreV1Event, V2HorizontalPodAutoscaler) to the
 * upstream OpenAPI component names (io.k8s.api.core.v1.PodSpec, ...) and back.
 *
 * The class name carries the version but usually not the API group. The group is inferred:
 * apimachinery types come from a fixed list; a `<Group>V1X` prefix names it directly; every
 * other class belongs to the first API group (core first) whose operations reach it through
 * field references. A few types live in a group other than the one that reaches them first;
 * those are listed in GROUP_OVERRIDES.
 */
import type { ClientModels } from './client-models.js';

/** Classes that are io.k8s.apimachinery.pkg.apis.meta.<version>.<Name>. */
const META_TYPES = new Set([
  'ObjectMeta', 'ListMeta', 'LabelSelector', 'LabelSelectorRequirement', 'OwnerReference',
  'ManagedFieldsEntry', 'Status', 'StatusDetails', 'StatusCause', 'Condition', 'DeleteOptions',
  'Preconditions', 'APIResource', 'APIResourceList', 'APIGroup', 'APIGroupList', 'APIVersions',
  'GroupVersionForDiscovery', 'ServerAddressByClientCIDR', 'WatchEvent', 'FieldSelectorRequirement',
]);

/** Types reached first from another group's operations than the one they belong to. */
const GROUP_OVERRIDES: Record<string, string> = {
  V1Scale: 'autoscaling',
  V1ScaleSpec: 'autoscaling',
  V1ScaleStatus: 'autoscaling',
  V1Eviction: 'policy',
  V1TopologySelectorTerm: 'core',
  V1TopologySelectorLabelRequirement: 'core',
  V1TokenReview: 'authentication',
};

/** API class stem (without version) -> Go package name under k8s.io/api. */
const API_STEM_PACKAGE: Record<string, string> = {
  RbacAuthorization: 'rbac',
  FlowcontrolApiserver: 'flowcontrol',
  InternalApiserver: 'apiserverinternal',
};

/** Packages searched first when a model is reachable from several groups. */
const PACKAGE_PRIORITY = ['core', 'apps', 'batch', 'autoscaling', 'policy', 'networking', 'storage', 'discovery', 'coordination', 'events'];

const VERSIONED = /^([A-Z][a-z]+)?(V\d+(?:alpha\d+|beta\d+)?)([A-Z][A-Za-z0-9]*)$/;

/** Component-name prefix of a Go package at a version. */
export function packagePrefix(pkg: string, version: string): string {
  switch (pkg) {
    case 'meta': return `io.k8s.apimachinery.pkg.apis.meta.${version}`;
    case 'apiextensions': return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
    case 'apiregistration': return `io.k8s.kube-aggregator.pkg.apis.apiregistration.${version}`;
    default: return `io.k8s.api.${pkg}.${version}`;
  }
}

function stemToPackage(stem: string): string {
  return API_STEM_PACKAGE[stem] ?? stem.toLowerCase();
}

/** Bidirectional class <-> component name table, computed once from the installed models. */
export class ComponentNames {
  private readonly toComponent = new Map<string, string>();
  private readonly toClass = new Map<string, string>();

  constructor(models: ClientModels) {
    const packageOf = inferPackages(models);
    for (const cls of models.listClasses()) {
      const m = VERSIONED.exec(cls);
      if (!m?.[2] || !m[3]) continue;
      const version = m[2].toLowerCase();
      const pkg = m[1] ? stemToPackage(m[1]) : packageOf.get(cls);
      if (!pkg) continue;
      const name = `${packagePrefix(pkg, version)}.${m[3]}`;
      this.toComponent.set(cls, name);
      // A group-prefixed class (CoreV1Event) wins over an unprefixed one of the same name.
      if (m[1] || !this.toClass.has(name)) this.toClass.set(name, cls);
    }
    this.toComponent.set('VersionInfo', 'io.k8s.apimachinery.pkg.version.Info');
    this.toClass.set('io.k8s.apimachinery.pkg.version.Info', 'VersionInfo');
  }

  componentOf(className: string): string | undefined {
    return this.toComponent.get(className);
  }

  classOf(componentName: string): string | undefined {
    return this.toClass.get(componentName);
  }
}

/** Assigns each unprefixed class to a package by reachability from the API operations. */
function inferPackages(models: ClientModels): Map<string, string> {
  const out = new Map<string, string>();
  for (const cls of models.listClasses()) {
    const m = VERSIONED.exec(cls);
    if (!m?.[3]) continue;
    if (!m[1] && META_TYPES.has(m[3])) out.set(cls, 'meta');
    const override = GROUP_OVERRIDES[cls];
    if (override) out.set(cls, override);
  }
  const roots = new Map<string, Set<string>>();
  for (const [api, classes] of models.apiModelRoots()) {
    const stem = /^([A-Za-z]+?)V\d+/.exec(api)?.[1];
    if (!stem) continue;
    const pkg = stemToPackage(stem);
    const set = roots.get(pkg) ?? new Set<string>();
    for (const c of classes) set.add(c);
    roots.set(pkg, set);
  }
  const order = [...PACKAGE_PRIORITY.filter((p) => roots.has(p)), ...[...roots.keys()].filter((p) => !PACKAGE_PRIORITY.includes(p)).sort()];
  for (const pkg of order) {
    const queue = [...(roots.get(pkg) ?? [])];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const cls = queue.pop() as string;
      if (seen.has(cls)) continue;
      seen.add(cls);
      if (!out.has(cls)) out.set(cls, pkg);
      for (const field of models.read(cls)?.fields ?? []) {
        for (const ref of field.tsType.matchAll(/\b((?:[A-Z][a-z]+)?V\d+(?:alpha\d+|beta\d+)?[A-Z][A-Za-z0-9]*)\b/g)) {
          if (ref[1] && models.has(ref[1]) && !seen.has(ref[1])) queue.push(ref[1]);
        }
      }
    }
  }
  return out;
}
