/**
 * Private stand-in for the registry engineer's `builtinRegistry()` (src/api/registry.ts),
 * used only until it lands: the committed core and apps entries, plus a minimal
 * CustomResourceDefinition entry so CRDs can be created.
 */
import type { KubeObject, ResourceType, StrategyContext, TableColumn } from '../../api/types.js';
import * as apps from '../../api/resources/apps/index.js';
import * as core from '../../api/resources/core/index.js';
import type { Catalog } from '../catalog.js';

export function standinAge(ts: string | null | undefined, now: Date): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((now.getTime() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h` : `${Math.floor(h / 24)}d`;
}

const col = (name: string, format = ''): TableColumn => ({ name, type: 'string', format, description: name, priority: 0 });

const crdType: ResourceType = {
  group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', listKind: 'CustomResourceDefinitionList',
  plural: 'customresourcedefinitions', singular: 'customresourcedefinition', shortNames: ['crd', 'crds'], categories: ['api-extensions'],
  namespaced: false, verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], subresources: ['status'],
  schemaName: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
  strategy: { usesGeneration: true },
  columns: [col('Name', 'name'), col('Created At')],
  row: (o: KubeObject, _ctx: StrategyContext) => [o.metadata?.name ?? '', o.metadata?.creationTimestamp ?? ''],
};

function builtins(): ResourceType[] {
  return [
    core.pods, core.nodes, core.namespaces, core.services, core.endpoints, core.configmaps, core.secrets, core.serviceaccounts,
    core.events, core.persistentvolumes, core.persistentvolumeclaims,
    apps.deployments, apps.replicasets, apps.statefulsets, apps.daemonsets, apps.controllerrevisions,
    crdType,
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
