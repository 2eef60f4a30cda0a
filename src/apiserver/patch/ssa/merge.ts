/**
 * Applying a configuration onto the live object (structured merge: the configuration's
 * values win, maps merge per key, keyed lists merge per item, atomic values are replaced),
 * and pruning what an applier stopped setting.
 */
import type { OpenApiSchema } from '../../../api/openapi-types.js';
import { isObject, type JsonObject, UNSAFE_KEY } from '../json.js';
import type { FieldSet, PathElement } from './fieldset.js';
import { childField, indexItems, itemElement, shape, type Typed } from './typed.js';

/**
 * The merged value shares unchanged parts with `live` and `config`: clone it before
 * changing it in place (prune does).
 */
export function mergeApplied(typed: Typed, live: unknown, config: unknown, schema: OpenApiSchema | undefined): unknown {
  if (config === undefined) return live;
  const s = shape(typed, schema);
  if ((s.kind === 'object' || s.kind === 'deduced') && isObject(live) && isObject(config)) {
    const out: JsonObject = { ...live };
    for (const [key, value] of Object.entries(config)) {
      if (key === UNSAFE_KEY) continue; // would set the object's prototype, not a field
      out[key] = mergeApplied(typed, live[key], value, childField(typed, s, key).schema);
    }
    return out;
  }
  if ((s.kind === 'list-map' || s.kind === 'list-set') && Array.isArray(live) && Array.isArray(config)) {
    const itemSchema = s.kind === 'list-map' ? s.items : undefined;
    return mergeLists(typed, live, config, (element) => itemElement(typed, s, element.item, element.index), (l, r) => mergeApplied(typed, l, r, itemSchema));
  }
  return config;
}

interface Indexed {
  readonly item: unknown;
  readonly index: number;
}

/**
 * structured-merge-diff's list order: walk both lists; shared items are emitted in the
 * configuration's order, live-only items keep their place relative to them, and items only
 * the configuration has come where the configuration puts them. Duplicate keys keep the first.
 */
function mergeLists(_typed: Typed, live: unknown[], config: unknown[], keyOf: (e: Indexed) => PathElement, mergeItem: (l: unknown, r: unknown) => unknown): unknown[] {
  const index = (list: unknown[]): [PathElement[], Map<PathElement, unknown>] => {
    const order: PathElement[] = [];
    const byKey = new Map<PathElement, unknown>();
    list.forEach((item, i) => {
      const key = keyOf({ item, index: i });
      if (byKey.has(key)) return;
      byKey.set(key, item);
      order.push(key);
    });
    return [order, byKey];
  };
  const [lhsOrder, lhs] = index(live);
  const [rhsOrder, rhs] = index(config);
  const shared = rhsOrder.filter((k) => lhs.has(k));
  let nextShared = shared.shift();
  const mergedRhs = new Set<PathElement>();
  const out: unknown[] = [];
  let l = 0;
  let r = 0;
  while (l < lhsOrder.length || r < rhsOrder.length) {
    const lk = lhsOrder[l];
    const rk = rhsOrder[r];
    if (lk !== undefined && rk !== undefined) {
      if (lk === rk) {
        out.push(mergeItem(lhs.get(lk), rhs.get(rk)));
        mergedRhs.add(rk);
        l++;
        r++;
        nextShared = shared.shift();
        continue;
      }
      if (rhs.has(lk) && nextShared !== undefined && nextShared !== lk) {
        l++; // a shared item, but not the one due now: it is emitted in configuration order
        continue;
      }
    }
    if (lk !== undefined) {
      if (!rhs.has(lk)) {
        out.push(lhs.get(lk));
        l++;
        continue;
      }
      if (mergedRhs.has(lk)) {
        l++;
        continue;
      }
    }
    if (rk !== undefined) {
      out.push(mergeItem(lhs.get(rk), rhs.get(rk)));
      mergedRhs.add(rk);
      r++;
      if (nextShared === rk) nextShared = shared.shift();
    } else if (lk !== undefined) {
      l++; // only reachable for a shared item already emitted
    }
  }
  return out;
}

/**
 * Removes from `value` every path that is a member of `toRemove`, unless `owned` (everyone's
 * fields) still has paths below it: then only the unowned parts go. Maps and lists that
 * pruning empties are removed too, as the typed encoder omits them.
 */
export function prune(typed: Typed, value: unknown, schema: OpenApiSchema | undefined, toRemove: FieldSet, owned: FieldSet | undefined): unknown {
  const s = shape(typed, schema);
  if (isObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const element = `f:${key}`;
      const removeNode = toRemove.children.get(element);
      if (!removeNode || removeNode.isEmpty()) continue;
      const ownedNode = owned?.children.get(element);
      const field = childField(typed, s, key);
      if (removeNode.member && !ownedNode?.hasDescendants()) {
        delete value[key];
        continue;
      }
      const pruned = prune(typed, child, field.schema, removeNode, ownedNode);
      if (emptiedByPruning(child, pruned, field.declared && typed.view.resolve(field.schema)?.properties !== undefined)) delete value[key];
      else value[key] = pruned;
    }
    return value;
  }
  if (Array.isArray(value) && (s.kind === 'list-map' || s.kind === 'list-set')) {
    const itemSchema = s.kind === 'list-map' ? s.items : undefined;
    const kept: unknown[] = [];
    const elements = [...indexItems(typed, s, value).keys()];
    value.forEach((item, i) => {
      const element = itemElement(typed, s, item, i);
      const removeNode = toRemove.children.get(element);
      if (!removeNode || removeNode.isEmpty() || !elements.includes(element)) {
        kept.push(item);
        return;
      }
      const ownedNode = owned?.children.get(element);
      if (removeNode.member && !ownedNode?.hasDescendants()) return;
      kept.push(prune(typed, item, itemSchema, removeNode, ownedNode));
    });
    return kept;
  }
  return value;
}

/** A map or list that had content and has none after pruning (structs stay, as Go keeps value structs). */
function emptiedByPruning(before: unknown, after: unknown, isStructField: boolean): boolean {
  if (Array.isArray(after)) return after.length === 0 && Array.isArray(before);
  if (isObject(after)) return !isStructField && Object.keys(after).length === 0;
  return false;
}
