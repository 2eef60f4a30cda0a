/**
 * Applying a strategic merge patch to an object (and merging two patches, which the
 * three-way patch needs), following upstream's apimachinery strategicpatch: maps merge,
 * lists merge by `x-kubernetes-patch-merge-key` when the strategy is `merge` and are
 * replaced otherwise, `null` deletes, and the `$patch`, `$retainKeys`, `$setElementOrder/`
 * and `$deleteFromPrimitiveList/` directives. Works on copies the caller made; mutates them.
 */
import type { OpenApiSchema } from '../../../api/openapi-types.js';
import { PatchError } from '../errors.js';
import { deepEqual, isObject, jsonKind, scalarString, type JsonObject, UNSAFE_KEY } from '../json.js';
import { patchMeta, type SchemaView } from '../schema.js';
import {
  BAD_PRIMITIVE_LIST, BAD_RETAIN_KEYS, BAD_SET_ELEMENT_ORDER, DELETE_FROM_PRIMITIVE_LIST,
  DIRECTIVE_MARKER, NO_LIST_OF_LISTS, RETAIN_KEYS, SET_ELEMENT_ORDER,
} from './directives.js';
import { indexIn, normalizeElementOrder, partitionByPresence } from './order.js';

export interface MergeOptions {
  /** True when applying to an object: parallel lists ($deleteFromPrimitiveList, $setElementOrder) act. False when merging two patches: they are carried along. */
  readonly mergeParallelList: boolean;
  /** True when applying to an object: a `null` for an absent key is dropped rather than kept. */
  readonly ignoreUnmatchedNulls: boolean;
}

export const APPLY_OPTIONS: MergeOptions = { mergeParallelList: true, ignoreUnmatchedNulls: true };

interface Ctx {
  readonly view: SchemaView;
  readonly opts: MergeOptions;
}

export function mergeMap(original: JsonObject | undefined, patch: JsonObject, schema: OpenApiSchema | undefined, ctx: Ctx): JsonObject {
  if (DIRECTIVE_MARKER in patch) return mapDirective(patch[DIRECTIVE_MARKER], patch);
  const out = original ?? {};
  applyRetainKeys(out, patch, ctx.opts);
  mergeOrderedLists(out, patch, schema, ctx);
  for (const [patchKey, patchValue] of Object.entries(patch)) {
    if (patchKey === UNSAFE_KEY) continue; // would set the object's prototype, not a field
    let key = patchKey;
    let isDeleteList = false;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      if (!ctx.opts.mergeParallelList) {
        out[key] = patchValue;
        continue;
      }
      key = key.slice(DELETE_FROM_PRIMITIVE_LIST.length);
      if (!key) throw new PatchError(BAD_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (patchValue === null) {
      delete out[key];
      if (ctx.opts.ignoreUnmatchedNulls) continue;
    }
    if (!(key in out) || jsonKind(out[key]) !== jsonKind(patchValue)) {
      if (!isDeleteList) out[key] = ctx.opts.ignoreUnmatchedNulls ? withoutNulls(patchValue) : patchValue;
      continue;
    }
    const field = ctx.view.field(schema, key).schema;
    const meta = patchMeta(ctx.view, field);
    const current = out[key];
    if (isObject(current) && isObject(patchValue)) {
      out[key] = meta.strategy === 'replace' ? patchValue : mergeMap(current, patchValue, ctx.view.resolve(field), ctx);
    } else if (Array.isArray(current) && Array.isArray(patchValue)) {
      out[key] = meta.strategy === 'merge'
        ? mergeSlice(current, patchValue, ctx.view.items(field), meta.mergeKey, ctx, isDeleteList)
        : patchValue;
    } else {
      out[key] = patchValue;
    }
  }
  return out;
}

function mapDirective(directive: unknown, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    delete patch[DIRECTIVE_MARKER];
    return patch;
  }
  if (directive === 'delete') return {};
  throw new PatchError(`unknown patch type: ${scalarString(directive)} in map: ${JSON.stringify(patch)}`);
}

/** Drops `null` members of a value added wholesale (they mean "delete", and there is nothing to delete). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  for (const [k, v] of Object.entries(value)) {
    if (v === null) delete value[k];
    else value[k] = withoutNulls(v);
  }
  return value;
}

function applyRetainKeys(original: JsonObject, patch: JsonObject, opts: MergeOptions): void {
  if (!(RETAIN_KEYS in patch)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!opts.mergeParallelList) {
    if (RETAIN_KEYS in original && !deepEqual(original[RETAIN_KEYS], retain)) {
      throw new PatchError(`${JSON.stringify(original[RETAIN_KEYS])} and ${JSON.stringify(retain)} are not deep equal: this may happen when calculating the 3-way diff patch`);
    }
    original[RETAIN_KEYS] = retain;
    return;
  }
  if (!Array.isArray(retain)) throw new PatchError(BAD_RETAIN_KEYS);
  const keep = new Set(retain.map((k) => String(k)));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST) || k.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!keep.has(k)) throw new PatchError(BAD_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/**
 * `$setElementOrder/<field>`: merges that list now and orders it by the directive. When two
 * patches are merged the directive is also carried into the result (both must agree).
 */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, schema: OpenApiSchema | undefined, ctx: Ctx): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    const order = patch[key];
    if (!ctx.opts.mergeParallelList) {
      if (key in original && !deepEqual(original[key], order)) throw new PatchError(BAD_SET_ELEMENT_ORDER);
      original[key] = order;
    }
    delete patch[key];
    const field = key.slice(SET_ELEMENT_ORDER.length);
    if (!Array.isArray(order) || !field) throw new PatchError(BAD_SET_ELEMENT_ORDER);
    const foundOriginal = field in original;
    const foundPatch = field in patch;
    const originalList = original[field];
    const patchList = patch[field];
    if ((foundOriginal && !Array.isArray(originalList)) || (foundPatch && !Array.isArray(patchList))) {
      throw new PatchError(BAD_SET_ELEMENT_ORDER);
    }
    const current = Array.isArray(originalList) ? originalList : [];
    const patchItems = Array.isArray(patchList) ? patchList : [];
    const fieldSchema = ctx.view.field(schema, field).schema;
    const meta = patchMeta(ctx.view, fieldSchema);
    validateAgainstOrder(patchItems, order, meta.mergeKey);
    if (!foundOriginal && !foundPatch) continue;
    let merged: unknown[];
    if (!foundPatch) merged = current;
    else if (!foundOriginal) merged = ctx.opts.mergeParallelList ? patchItems.filter((item) => !(isObject(item) && DIRECTIVE_MARKER in item)) : patchItems;
    else merged = meta.strategy === 'merge' ? mergeSlice(current, patchItems, ctx.view.items(fieldSchema), meta.mergeKey, ctx, false) : patchItems;
    const mergeKey = elementKind([current, patchItems]) === 'object' ? meta.mergeKey : '';
    const [inOrder, serverOnly] = partitionByPresence(merged, order, mergeKey);
    original[field] = normalizeElementOrder(inOrder, serverOnly, order, current, mergeKey);
    delete patch[field];
  }
}

/**
 * The patch list (delete directives aside) must follow the `$setElementOrder` list: walking
 * both, every patch item must be found, in order.
 */
function validateAgainstOrder(patchList: readonly unknown[], order: readonly unknown[], mergeKey: string): void {
  if (patchList.length === 0 || order.length === 0) return;
  const items = mergeKey ? patchList.filter((item) => !(isObject(item) && item[DIRECTIVE_MARKER] === 'delete')) : patchList;
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isObject(item) && DIRECTIVE_MARKER in item) {
      p++;
      continue;
    }
    const same = mergeKey
      ? isObject(item) && isObject(order[o]) && mergeKey in item && item[mergeKey] === (order[o] as JsonObject)[mergeKey]
      : item === order[o];
    if (mergeKey && (!isObject(item) || !(mergeKey in item))) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    if (same) p++;
    o++;
  }
  if (p < items.length) {
    throw new PatchError(`The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match $setElementOrder list:\n${JSON.stringify(order)}\n`);
  }
}

function elementKind(lists: readonly (readonly unknown[])[]): string {
  let kind = '';
  for (const list of lists) {
    for (const item of list) {
      const k = jsonKind(item);
      if (k === 'array') throw new PatchError(NO_LIST_OF_LISTS, 422);
      if (kind && k !== kind && k !== 'null') throw new PatchError(`list element types do not match: ${kind} and ${k}`);
      if (k !== 'null') kind = k;
    }
  }
  return kind;
}

export function mergeSlice(original: unknown[], patch: unknown[], itemSchema: OpenApiSchema | undefined, mergeKey: string, ctx: Ctx, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind([original, patch]);
  if (kind !== 'object') {
    if (ctx.opts.mergeParallelList && isDeleteList) return original.filter((item) => !patch.some((d) => d === item));
    const merged = dedupeScalars([...original, ...patch]);
    const [inPatch, serverOnly] = partitionByPresence(merged, patch, '');
    return normalizeElementOrder(inPatch, serverOnly, patch, original, '');
  }
  if (!mergeKey) throw new PatchError('cannot merge lists without merge key');
  const [base, rest] = applyListDirectives(original, patch, mergeKey);
  const merged = [...base];
  for (const item of rest) {
    if (!isObject(item) || !(mergeKey in item)) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const at = indexIn(merged, item, mergeKey);
    const found = merged[at];
    if (at >= 0 && isObject(found)) merged[at] = mergeMap(found, item, itemSchema, ctx);
    else merged.push(item);
  }
  const [inPatch, serverOnly] = partitionByPresence(merged, rest, mergeKey);
  return normalizeElementOrder(inPatch, serverOnly, rest, base, mergeKey);
}

/** `{"$patch":"delete", key}` removes matching items; `{"$patch":"replace"}` makes the patch list the whole list. */
function applyListDirectives(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let base = original;
  let replace = false;
  for (const item of patch) {
    if (!isObject(item) || !(DIRECTIVE_MARKER in item)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE_MARKER];
    if (directive === 'delete') {
      if (!(mergeKey in item)) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
      base = base.filter((x) => !(isObject(x) && x[mergeKey] === item[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw new PatchError('merging lists cannot yet be specified in the patch');
    } else {
      throw new PatchError(`unknown patch type: ${scalarString(directive)} in map: ${JSON.stringify(item)}`);
    }
  }
  return replace ? [plain, []] : [base, plain];
}

function dedupeScalars(items: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) if (!out.some((x) => x === item)) out.push(item);
  return out;
}
