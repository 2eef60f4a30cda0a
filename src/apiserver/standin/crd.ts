/**
 * Private stand-in for src/api/crd.ts until it lands: one ResourceType per served version
 * of a CustomResourceDefinition, with NAME/AGE plus additionalPrinterColumns of simple paths.
 */
import type { KubeObject, ResourceType, TableColumn } from '../../api/types.js';
import { standinAge } from './registry.js';

interface CrdNames { plural?: string; singular?: string; kind?: string; listKind?: string; shortNames?: string[]; categories?: string[] }
interface CrdVersion { name?: string; served?: boolean; storage?: boolean; subresources?: { status?: unknown; scale?: { specReplicasPath?: string; statusReplicasPath?: string; labelSelectorPath?: string } }; additionalPrinterColumns?: Array<{ name: string; type: string; jsonPath: string; priority?: number; description?: string }> }

function jsonPathValue(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const p of path.replace(/^\./, '').split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

export function standinCrdResources(crd: KubeObject): ResourceType[] {
  const spec = (crd.spec ?? {}) as { group?: string; scope?: string; names?: CrdNames; versions?: CrdVersion[] };
  const names = spec.names ?? {};
  const group = spec.group ?? '';
  if (!group || !names.plural || !names.kind) return [];
  return (spec.versions ?? []).filter((v) => v.served !== false && v.name).map((v) => {
    const extra = (v.additionalPrinterColumns ?? []).filter((c) => c.jsonPath !== '.metadata.creationTimestamp');
    const columns: TableColumn[] = [
      { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
      ...extra.map((c) => ({ name: c.name, type: (['integer', 'number', 'boolean', 'date'].includes(c.type) ? c.type : 'string') as TableColumn['type'], format: '', description: c.description ?? '', priority: c.priority ?? 0 })),
      { name: 'Age', type: 'date', format: '', description: 'Time since creation.', priority: 0 },
    ];
    const scale = v.subresources?.scale;
    return {
      group, version: v.name as string, kind: names.kind as string, listKind: names.listKind ?? `${names.kind}List`,
      plural: names.plural as string, singular: names.singular ?? (names.kind as string).toLowerCase(),
      shortNames: names.shortNames ?? [], categories: names.categories ?? [], namespaced: spec.scope !== 'Cluster',
      verbs: ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch'],
      subresources: [...(v.subresources?.status !== undefined ? ['status'] : []), ...(scale ? ['scale'] : [])],
      ...(scale?.specReplicasPath && scale.statusReplicasPath ? { scale: { specReplicasPath: scale.specReplicasPath, statusReplicasPath: scale.statusReplicasPath, ...(scale.labelSelectorPath ? { labelSelectorPath: scale.labelSelectorPath } : {}) } } : {}),
      schemaName: `${group}.${v.name}.${names.kind}`,
      strategy: { usesGeneration: true },
      columns,
      row: (o, ctx) => [o.metadata?.name ?? '', ...extra.map((c) => { const x = jsonPathValue(o, c.jsonPath); return x === undefined ? '<none>' : c.type === 'date' ? standinAge(String(x), ctx.now) : x; }), standinAge(o.metadata?.creationTimestamp, ctx.now)],
    } satisfies ResourceType;
  });
}
