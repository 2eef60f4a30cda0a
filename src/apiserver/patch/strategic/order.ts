/**
 * Element order of merged lists, as upstream's strategic merge patch decides it: items
 * named by the patch (or its `$setElementOrder`) follow the patch's order, items only the
 * server has keep theirs, and the two are interleaved where the server order relates them.
 */
import { isObject } from '../json.js';
import { DIRECTIVE_MARKER } from './directives.js';
import { PatchError } from '../errors.js';

/** Position of `item` in `list`: by merge key value for maps, by value for scalars; -1 if absent. */
export function indexIn(list: readonly unknown[], item: unknown, mergeKey: string): number {
  if (mergeKey) {
    if (!isObject(item)) return -1;
    const wanted = item[mergeKey];
    return list.findIndex((x) => isObject(x) && x[mergeKey] === wanted);
  }
  return list.findIndex((x) => x === item);
}

/** Splits `merged` into items present in `patch` and items only the server has. */
export function partitionByPresence(merged: readonly unknown[], patch: readonly unknown[], mergeKey: string): [unknown[], unknown[]] {
  const inPatch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const item of merged) {
    if (mergeKey && !isObject(item)) throw new PatchError(`map: ${String(item)} is not a map`);
    (indexIn(patch, item, mergeKey) >= 0 ? inPatch : serverOnly).push(item);
  }
  return [inPatch, serverOnly];
}

/** Sorts `toSort` by position in `order`; delete directives go last. */
export function normalizeSliceOrder(toSort: readonly unknown[], order: readonly unknown[], mergeKey: string): unknown[] {
  let items = [...toSort];
  const deletes: unknown[] = [];
  if (mergeKey) {
    for (const item of [...items, ...order]) {
      if (!isObject(item) || !(mergeKey in item)) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    }
    items = items.filter((item) => {
      const isDelete = isObject(item) && item[DIRECTIVE_MARKER] === 'delete';
      if (isDelete) deletes.push(item);
      return !isDelete;
    });
  }
  const known = items.filter((item) => indexIn(order, item, mergeKey) >= 0);
  const unknown = items.filter((item) => indexIn(order, item, mergeKey) < 0);
  known.sort((a, b) => indexIn(order, a, mergeKey) - indexIn(order, b, mergeKey));
  return [...known, ...unknown, ...deletes];
}

/**
 * Merges the server-only items (sorted by server order) with the patch items (sorted by patch
 * order): a server item goes first only when the server order places it before the patch item.
 */
export function mergeSortedSlices(serverOnly: readonly unknown[], patchItems: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patchItems.length) {
    if (i >= serverOnly.length) out.push(patchItems[j++]);
    else if (j >= patchItems.length) out.push(serverOnly[i++]);
    else {
      const li = indexIn(serverOrder, serverOnly[i], mergeKey);
      const ri = indexIn(serverOrder, patchItems[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(serverOnly[i++]);
      else out.push(patchItems[j++]);
    }
  }
  return out;
}

export function normalizeElementOrder(patchItems: readonly unknown[], serverOnly: readonly unknown[], patchOrder: readonly unknown[], serverOrder: readonly unknown[], mergeKey: string): unknown[] {
  const patchSorted = normalizeSliceOrder(patchItems, patchOrder, mergeKey);
  const serverSorted = normalizeSliceOrder(serverOnly, serverOrder, mergeKey);
  return mergeSortedSlices(serverSorted, patchSorted, serverOrder, mergeKey);
}
