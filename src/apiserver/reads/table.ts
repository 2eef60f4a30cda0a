/** meta.k8s.io/v1 Table responses for `kubectl get`, from the registry's columns and rows. */
import type { KubeObject, ResourceType } from '../../api/types.js';
import type { TableRequest } from '../http/respond.js';

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  columnDefinitions?: unknown[];
  rows: Array<{ cells: unknown[]; object?: unknown }>;
}

function rowObject(rt: ResourceType, obj: KubeObject, t: TableRequest): unknown {
  if (t.includeObject === 'None') return undefined;
  if (t.includeObject === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} };
}

function safeRow(rt: ResourceType, obj: KubeObject, now: Date): unknown[] {
  try {
    return rt.row(obj, { now });
  } catch {
    // A malformed stored object must still print; show its name and blanks.
    return rt.columns.map((_, i) => (i === 0 ? obj.metadata?.name ?? '' : ''));
  }
}

export function toTable(rt: ResourceType, items: readonly KubeObject[], t: TableRequest, now: Date, meta: Table['metadata'], withColumns = true): Table {
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: meta,
    ...(withColumns ? { columnDefinitions: rt.columns.map((c) => ({ ...c })) } : {}),
    rows: items.map((o) => {
      const object = rowObject(rt, o, t);
      return { cells: safeRow(rt, o, now), ...(object !== undefined ? { object } : {}) };
    }),
  };
}
