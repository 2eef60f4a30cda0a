/**
 * Computing strategic merge patches (the client side), as upstream's diffMaps: keyed lists
 * produce per-item patches, `{"$patch":"delete", key}` items, `$setElementOrder/<list>` and
 * `$deleteFromPrimitiveList/<list>`; structs marked retainKeys produce `$retainKeys`.
 */
import type { OpenApiSchema } from '../../../api/openapi-types.js';
import { PatchError } from '../errors.js';
import { cloneJson, deepEqual, isObject, jsonKind, scalarString, type JsonObject } from '../json.js';
import { patchMeta, type SchemaView } from '../schema.js';
import { DELETE_FROM_PRIMITIVE_LIST, DIRECTIVE_MARKER, NO_LIST_OF_LISTS, RETAIN_KEYS, SET_ELEMENT_ORDER } from './directives.js';
import { normalizeSliceOrder } from './order.js';

export interface DiffOptions {
  /** Leave out deletions (null values, delete directives): the "what to add or change" half. */
  readonly ignoreDeletions?: boolean;
  /** Leave out additions and changes: the "what to delete" half. */
  readonly ignoreChangesAndAdditions?: boolean;
  /** Emit `$setElementOrder/<list>` for merged lists. */
  readonly setElementOrder?: boolean;
  /** Emit `$retainKeys` at this level (set from the parent field's retainKeys strategy). */
  readonly buildRetainKeys?: boolean;
}

export function diffMaps(original: JsonObject, modified: JsonObject, schema: OpenApiSchema | undefined, view: SchemaView, options: DiffOptions): JsonObject {
  const patch: JsonObject = {};
  const retainKeys: string[] = [];
  for (const [key, value] of Object.entries(modified)) {
    if (options.buildRetainKeys && value !== null) retainKeys.push(key);
    if (!(key in original)) {
      if (!options.ignoreChangesAndAdditions) patch[key] = cloneJson(value);
      continue;
    }
    const before = original[key];
    if (key === DIRECTIVE_MARKER) {
      if (before !== value) patch[key] = value;
      continue;
    }
    if (jsonKind(before) !== jsonKind(value)) {
      if (!options.ignoreChangesAndAdditions) patch[key] = cloneJson(value);
      continue;
    }
    if (isObject(before) && isObject(value)) diffMapField(key, before, value, patch, schema, view, options);
    else if (Array.isArray(before) && Array.isArray(value)) diffListField(key, before, value, patch, schema, view, options);
    else if (!options.ignoreChangesAndAdditions && !deepEqual(before, value)) patch[key] = cloneJson(value);
  }
  if (!options.ignoreDeletions) {
    for (const key of Object.keys(original)) if (!(key in modified)) patch[key] = null;
  }
  const removesFields = Object.entries(original).some(([k, v]) => v !== null && !(k in modified));
  if (retainKeys.length > 0 && (Object.keys(patch).length > 0 || removesFields)) patch[RETAIN_KEYS] = retainKeys.sort();
  return patch;
}

function diffMapField(key: string, before: JsonObject, after: JsonObject, patch: JsonObject, schema: OpenApiSchema | undefined, view: SchemaView, options: DiffOptions): void {
  const field = view.field(schema, key).schema;
  const meta = patchMeta(view, field);
  if (meta.strategy === 'replace') {
    if (!options.ignoreChangesAndAdditions && !deepEqual(before, after)) patch[key] = cloneJson(after);
    return;
  }
  const sub = diffMaps(before, after, view.resolve(field), view, { ...options, buildRetainKeys: meta.retainKeys });
  if (Object.keys(sub).length > 0) patch[key] = sub;
}

function diffListField(key: string, before: unknown[], after: unknown[], patch: JsonObject, schema: OpenApiSchema | undefined, view: SchemaView, options: DiffOptions): void {
  const field = view.field(schema, key).schema;
  const meta = patchMeta(view, field);
  if (meta.strategy !== 'merge') {
    if (!options.ignoreChangesAndAdditions && !deepEqual(before, after)) patch[key] = cloneJson(after);
    return;
  }
  const { additions, deletions, order } = diffLists(before, after, view.items(field), view, meta.mergeKey, { ...options, buildRetainKeys: meta.retainKeys });
  if (additions.length > 0) patch[key] = additions;
  if (deletions.length > 0) patch[`${DELETE_FROM_PRIMITIVE_LIST}${key}`] = deletions;
  if (order.length > 0) patch[`${SET_ELEMENT_ORDER}${key}`] = order;
}

interface ListDiff {
  additions: unknown[];
  deletions: unknown[];
  order: unknown[];
}

function diffLists(original: unknown[], modified: unknown[], itemSchema: OpenApiSchema | undefined, view: SchemaView, mergeKey: string, options: DiffOptions): ListDiff {
  if (original.length === 0) {
    if (modified.length === 0 || options.ignoreChangesAndAdditions) return { additions: [], deletions: [], order: [] };
    return { additions: cloneJson(modified), deletions: [], order: [] };
  }
  const kinds = new Set([...original, ...modified].map(jsonKind));
  if (kinds.has('array')) throw new PatchError(NO_LIST_OF_LISTS, 422);
  if (kinds.has('object')) {
    if (!mergeKey) throw new PatchError('cannot diff lists of maps without a merge key');
    const { changes, deletes } = diffListsOfMaps(original, modified, itemSchema, view, mergeKey, options);
    const additions = [...normalizeSliceOrder(changes, modified, mergeKey), ...deletes];
    const orderSame = sameOrder(original, modified, mergeKey);
    const wantOrder = options.setElementOrder === true && (
      (!options.ignoreChangesAndAdditions && (additions.length > 0 || !orderSame)) ||
      (!options.ignoreDeletions && additions.length > 0));
    const order = wantOrder ? modified.map((item) => ({ [mergeKey]: isObject(item) ? item[mergeKey] : undefined })) : [];
    return { additions, deletions: [], order };
  }
  const { additions, deletions } = diffListsOfScalars(original, modified, options);
  const wantOrder = options.setElementOrder === true && (
    (!options.ignoreDeletions && deletions.length > 0) ||
    (!options.ignoreChangesAndAdditions && !deepEqual(original, modified)));
  return { additions: normalizeSliceOrder(additions, modified, ''), deletions, order: wantOrder ? cloneJson(modified) : [] };
}

function sortedByKey(list: readonly unknown[], mergeKey: string): JsonObject[] {
  return list.filter(isObject).sort((a, b) => compareStrings(scalarString(a[mergeKey]), scalarString(b[mergeKey])));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Walks both lists sorted by merge key: common items diff recursively, new items are added whole, missing ones get a delete directive. */
function diffListsOfMaps(original: unknown[], modified: unknown[], itemSchema: OpenApiSchema | undefined, view: SchemaView, mergeKey: string, options: DiffOptions): { changes: unknown[]; deletes: unknown[] } {
  const before = sortedByKey(original, mergeKey);
  const after = sortedByKey(modified, mergeKey);
  for (const item of [...original, ...modified]) {
    if (!isObject(item) || !(mergeKey in item)) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
  }
  const changes: unknown[] = [];
  const deletes: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const o = before[i];
    const m = after[j];
    const cmp = o && m ? compareStrings(scalarString(o[mergeKey]), scalarString(m[mergeKey])) : o ? -1 : 1;
    if (o && m && cmp === 0) {
      const sub = diffMaps(o, m, itemSchema, view, options);
      if (Object.keys(sub).length > 0) changes.push({ ...sub, [mergeKey]: m[mergeKey] });
      i++;
      j++;
    } else if (m && cmp > 0) {
      if (!options.ignoreChangesAndAdditions) changes.push(cloneJson(m));
      j++;
    } else if (o) {
      if (!options.ignoreDeletions) deletes.push({ [DIRECTIVE_MARKER]: 'delete', [mergeKey]: o[mergeKey] });
      i++;
    }
  }
  return { changes, deletes };
}

function diffListsOfScalars(original: unknown[], modified: unknown[], options: DiffOptions): { additions: unknown[]; deletions: unknown[] } {
  const sort = (list: unknown[]): unknown[] => [...list].sort((a, b) => compareStrings(scalarString(a), scalarString(b)));
  const before = sort(original);
  const after = sort(modified);
  const additions: unknown[] = [];
  const deletions: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const hasO = i < before.length;
    const hasM = j < after.length;
    const cmp = hasO && hasM ? compareStrings(scalarString(before[i]), scalarString(after[j])) : hasO ? -1 : 1;
    if (hasO && hasM && cmp === 0) {
      i++;
      j++;
    } else if (hasM && cmp > 0) {
      if (!options.ignoreChangesAndAdditions) additions.push(after[j]);
      j++;
    } else {
      if (!options.ignoreDeletions && !deletions.some((d) => d === before[i])) deletions.push(before[i]);
      i++;
    }
  }
  return { additions, deletions };
}

/** True when the items both lists share appear in the same relative order. */
function sameOrder(original: readonly unknown[], modified: readonly unknown[], mergeKey: string): boolean {
  const keyOf = (item: unknown): string => scalarString(isObject(item) ? item[mergeKey] : item);
  const a = original.map(keyOf);
  const b = modified.map(keyOf);
  if (a.length !== b.length) return false;
  return a.every((k, i) => k === b[i]);
}
