/**
 * Builds a ResourceType entry with upstream's common defaults (the standard verb set,
 * `<Kind>List`), so resource files list only what differs.
 */
import type { KubeObject, ResourceStrategy, ResourceType, ScaleSubresource, StrategyContext, TableColumn } from '../types.js';
import { ageOf } from './age.js';
import { ageColumn, createdAt, nameColumn, nameOf } from './columns.js';

/** The verbs of almost every upstream resource. */
export const STANDARD_VERBS: readonly string[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export interface ResourceDefinition {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular?: string;
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly namespaced: boolean;
  readonly verbs?: readonly string[];
  readonly subresources?: readonly string[];
  readonly scale?: ScaleSubresource;
  readonly schemaName: string;
  readonly strategy: ResourceStrategy;
  /** Defaults to Name + Age. */
  readonly columns?: readonly TableColumn[];
  row?(obj: KubeObject, ctx: StrategyContext): unknown[];
}

export function defineResource(def: ResourceDefinition): ResourceType {
  return {
    group: def.group,
    version: def.version,
    kind: def.kind,
    listKind: `${def.kind}List`,
    plural: def.plural,
    singular: def.singular ?? def.kind.toLowerCase(),
    shortNames: def.shortNames ?? [],
    categories: def.categories ?? [],
    namespaced: def.namespaced,
    verbs: def.verbs ?? STANDARD_VERBS,
    subresources: def.subresources ?? [],
    ...(def.scale ? { scale: def.scale } : {}),
    schemaName: def.schemaName,
    strategy: def.strategy,
    columns: def.columns ?? [nameColumn, ageColumn],
    row: def.row ?? ((obj, ctx) => [nameOf(obj), ageOf(createdAt(obj), ctx.now)]),
  };
}
