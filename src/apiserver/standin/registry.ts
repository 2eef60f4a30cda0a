/**
 * Private stand-in for the registry engineer's `builtinRegistry()` (src/api/), used only
 * until theirs lands: a few resource entries with name/age columns, enough to route and print.
 */
import type { KubeObject, ResourceType, StrategyContext, TableColumn } from '../../api/types.js';
import type { Catalog } from '../catalog.js';

const nameCol: TableColumn = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 };
const ageCol: TableColumn = { name: 'Age', type: 'string', format: '', description: 'Time since creation.', priority: 0 };
const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function standinAge(ts: string | null | undefined, now: Date): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h` : `${Math.floor(h / 24)}d`;
}

function entry(group: string, version: string, kind: string, plural: string, opts: Partial<ResourceType> & { namespaced: boolean }): ResourceType {
  const pkg = group === '' ? 'core' : group.split('.')[0] ?? group;
  return {
    group, version, kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase(),
    shortNames: [], categories: [], verbs: allVerbs, subresources: [],
    schemaName: `io.k8s.api.${pkg}.${version}.${kind}`,
    strategy: { usesGeneration: true },
    columns: [nameCol, ageCol],
    row: (o: KubeObject, ctx: StrategyContext) => [o.metadata?.name ?? '', standinAge(o.metadata?.creationTimestamp, ctx.now)],
    ...opts,
  };
}

function podRow(o: KubeObject, ctx: StrategyContext): unknown[] {
  const spec = (o.spec ?? {}) as { containers?: unknown[]; nodeName?: string };
  const status = (o.status ?? {}) as { phase?: string; podIP?: string; containerStatuses?: Array<{ ready?: boolean; restartCount?: number }> };
  const ready = (status.containerStatuses ?? []).filter((c) => c.ready).length;
  const restarts = (status.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
  const phase = o.metadata?.deletionTimestamp ? 'Terminating' : status.phase ?? 'Pending';
  return [o.metadata?.name ?? '', `${ready}/${spec.containers?.length ?? 0}`, phase, restarts, standinAge(o.metadata?.creationTimestamp, ctx.now), status.podIP ?? '<none>', spec.nodeName ?? '<none>'];
}

function builtins(): ResourceType[] {
  const col = (name: string, priority = 0): TableColumn => ({ name, type: 'string', format: '', description: name, priority });
  return [
    entry('', 'v1', 'Pod', 'pods', { namespaced: true, shortNames: ['po'], categories: ['all'], subresources: ['status'],
      columns: [nameCol, col('Ready'), col('Status'), { ...col('Restarts'), type: 'integer' }, ageCol, col('IP', 1), col('Node', 1)], row: podRow,
      strategy: { usesGeneration: false, defaults: (o) => { const s = (o.spec ?? {}) as Record<string, unknown>; s.restartPolicy ??= 'Always'; s.dnsPolicy ??= 'ClusterFirst'; } } }),
    entry('', 'v1', 'Namespace', 'namespaces', { namespaced: false, shortNames: ['ns'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status'],
      strategy: { usesGeneration: false, defaults: (o) => { o.spec ??= { finalizers: ['kubernetes'] }; o.status ??= { phase: 'Active' }; } } }),
    entry('', 'v1', 'Service', 'services', { namespaced: true, shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
    entry('', 'v1', 'ConfigMap', 'configmaps', { namespaced: true, shortNames: ['cm'], strategy: {} }),
    entry('', 'v1', 'Secret', 'secrets', { namespaced: true, strategy: { defaults: (o) => { o.type ??= 'Opaque'; } } }),
    entry('', 'v1', 'ServiceAccount', 'serviceaccounts', { namespaced: true, shortNames: ['sa'], strategy: {} }),
    entry('', 'v1', 'Event', 'events', { namespaced: true, shortNames: ['ev'], strategy: {} }),
    entry('', 'v1', 'Node', 'nodes', { namespaced: false, shortNames: ['no'], subresources: ['status'] }),
    entry('apps', 'v1', 'Deployment', 'deployments', { namespaced: true, shortNames: ['deploy'], categories: ['all'], subresources: ['status', 'scale'],
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
      strategy: { usesGeneration: true, defaults: (o) => { const s = (o.spec ?? {}) as Record<string, unknown>; s.replicas ??= 1; } } }),
    entry('apps', 'v1', 'ReplicaSet', 'replicasets', { namespaced: true, shortNames: ['rs'], categories: ['all'], subresources: ['status', 'scale'],
      scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } }),
    entry('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', { namespaced: false, shortNames: ['crd', 'crds'], subresources: ['status'],
      schemaName: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition' }),
  ];
}

/** Stand-in catalog over the entries above plus CRD-defined ones. */
export function standinCatalog(): Catalog {
  const list = builtins();
  return {
    all: () => list,
    lookup: (g, v, p) => list.find((r) => r.group === g && r.version === v && r.plural === p),
    addCustom: (rt) => { const i = list.findIndex((r) => r.group === rt.group && r.version === rt.version && r.plural === rt.plural); if (i >= 0) list[i] = rt; else list.push(rt); },
    removeCustom: (g, p) => { for (let i = list.length - 1; i >= 0; i--) if (list[i]?.group === g && list[i]?.plural === p) list.splice(i, 1); },
  };
}
