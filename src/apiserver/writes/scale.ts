/** The autoscaling/v1 Scale view of kinds with a scale subresource, and writing it back. */
import type { KubeObject, ResourceType } from '../../api/types.js';
import { errors } from '../../machinery/errors.js';

function getPath(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const p of path.split('.').filter((s) => s !== '')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.').filter((s) => s !== '');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (!next || typeof next !== 'object') cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1];
  if (last) cur[last] = value;
}

function selectorString(sel: unknown): string {
  if (typeof sel === 'string') return sel;
  const s = sel as { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined;
  const parts = Object.entries(s?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s?.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

export function toScale(rt: ResourceType, obj: KubeObject): KubeObject {
  if (!rt.scale) throw errors.notFound(`${rt.plural}/scale`, rt.group, obj.metadata?.name ?? '');
  const m = obj.metadata ?? {};
  const selector = rt.scale.labelSelectorPath ? getPath(obj, rt.scale.labelSelectorPath) ?? getPath(obj, '.spec.selector') : getPath(obj, '.spec.selector');
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}), uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: Number(getPath(obj, rt.scale.specReplicasPath) ?? 0) },
    status: { replicas: Number(getPath(obj, rt.scale.statusReplicasPath) ?? 0), ...(selector !== undefined ? { selector: selectorString(selector) } : {}) },
  };
}

/** Copies the desired replicas of a Scale into a copy of the object. */
export function fromScale(rt: ResourceType, obj: KubeObject, scale: KubeObject): KubeObject {
  if (!rt.scale) throw errors.notFound(`${rt.plural}/scale`, rt.group, obj.metadata?.name ?? '');
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw errors.invalid('Scale', 'autoscaling', obj.metadata?.name ?? '', [{ field: 'spec.replicas', type: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0` }]);
  }
  const out = structuredClone(obj);
  setPath(out as Record<string, unknown>, rt.scale.specReplicasPath, replicas);
  return out;
}
