/**
 * Field-selector values per kind, as upstream's GetAttrs/field label conversions: every kind
 * has metadata.name and metadata.namespace; some add their own (pods spec.nodeName, events
 * involvedObject.*, secrets type, ...). Selecting on any other field is a 400.
 */
import type { KubeObject, ResourceType } from '../api/types.js';

type Extractor = (o: KubeObject) => string | undefined;

const at = (...path: string[]): Extractor => (o) => {
  let v: unknown = o;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v === undefined || v === null ? undefined : String(v);
};

const extraFields: Record<string, Record<string, Extractor>> = {
  '/Pod': {
    'spec.nodeName': at('spec', 'nodeName'), 'spec.restartPolicy': at('spec', 'restartPolicy'),
    'spec.schedulerName': at('spec', 'schedulerName'), 'spec.serviceAccountName': at('spec', 'serviceAccountName'),
    'spec.hostNetwork': (o) => String(Boolean((o.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork)),
    'status.phase': at('status', 'phase'), 'status.podIP': at('status', 'podIP'), 'status.nominatedNodeName': at('status', 'nominatedNodeName'),
  },
  '/Event': {
    'involvedObject.kind': at('involvedObject', 'kind'), 'involvedObject.namespace': at('involvedObject', 'namespace'),
    'involvedObject.name': at('involvedObject', 'name'), 'involvedObject.uid': at('involvedObject', 'uid'),
    'involvedObject.apiVersion': at('involvedObject', 'apiVersion'), 'involvedObject.resourceVersion': at('involvedObject', 'resourceVersion'),
    'involvedObject.fieldPath': at('involvedObject', 'fieldPath'), reason: at('reason'), reportingComponent: at('reportingComponent'),
    source: at('source', 'component'), type: at('type'),
  },
  '/Secret': { type: at('type') },
  '/Node': { 'spec.unschedulable': (o) => String(Boolean((o.spec as { unschedulable?: boolean } | undefined)?.unschedulable)) },
  '/Namespace': { 'status.phase': at('status', 'phase') },
  'apps/ReplicaSet': { 'status.replicas': at('status', 'replicas') },
  'batch/Job': { 'status.successful': at('status', 'succeeded') },
};

export function supportedFields(rt: ResourceType): string[] {
  return ['metadata.name', 'metadata.namespace', ...Object.keys(extraFields[`${rt.group}/${rt.kind}`] ?? {})];
}

export function fieldsOf(rt: ResourceType, obj: KubeObject): Record<string, string> {
  const out: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '', 'metadata.namespace': obj.metadata?.namespace ?? '' };
  for (const [field, get] of Object.entries(extraFields[`${rt.group}/${rt.kind}`] ?? {})) out[field] = get(obj) ?? '';
  return out;
}
