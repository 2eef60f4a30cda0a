/**
 * Applying a configuration onto the live object (structured merge: the configuration's
 * values win, maps merge per key, keyed lists merge per item, atomic values are replaced),
 * and pruning what an applier stopped setting.
 */
import type { OpenApiSchema } from '../../../api/openapi-types.js';
import { cloneJson, isObject, type JsonObject } from '../json.js';
import type { FieldSet, PathElement } from './fieldset.js';
import { childField, indexItems, itemElement, shape, type Typed } from './typed.js';

export function mergeApplied(typed: Typed, live: unknown, config: unknown, schema: OpenApiSchema | undefined): unknown {
  if (config === undefined) return cloneJson(live);
  const s = shape(typed, schema);
  if ((s.kind === 'object' || s.kind === 'deduced') && isObject(live) && isObject(config)) {
    const out: JsonObject = cloneJson(live);
    for (const [key, value] of Object.entries(config)) {
      out[key] = mergeApplied(typed, live[key], value, childField(typed, s, key).schema);
    }
    return out;
  }
  if ((s.kind === 'list-map' || s.kind === 'list-set') && Array.isArray(live) && Array.isArray(config)) {
    const itemSchema = s.kind === 'list-map' ? s.items : undefined;
    return mergeLists(typed, live, config, (element) => itemElement(typed, s, element.item, element.index), (l, r) => mergeApplied(typed, l, r, itemSchema));
  }
  return cloneJson(config);
}

interface Indexed {
  readonly item: unknown;
  readonly index: number;
}

/**
 * Live-only items keep their place; configured items appear in the configuration's order,
 * each placed no later than the shared item that follows it in the live list.
 */
function mergeLists(_typed: Typed, live: unknown[], config: unknown[], keyOf: (e: Indexed) => PathElement, mergeItem: (l: unknown, r: unknown) => unknown): unknown[] {
  const liveKeys = live.map((item, index) => keyOf({ item, index }));
  const configKeys = config.map((item, index) => keyOf({ item, index }));
  const liveByKey = new Map<PathElement, unknown>();
  liveKeys.forEach((k, i) => { if (!liveByKey.has(k)) liveByKey.set(k, live[i]); });
  const configPosition = new Map<PathElement, number>();
  configKeys.forEach((k, i) => { if (!configPosition.has(k)) configPosition.set(k, i); });
  const out: unknown[] = [];
  const emitted = new Set<PathElement>();
  let next = 0;
  const emitConfigUpTo = (last: number): void => {
    for (; next <= last && next < config.length; next++) {
      const key = configKeys[next] ?? '';
      if (emitted.has(key)) continue;
      emitted.add(key);
      out.push(mergeItem(liveByKey.get(key), config[next]));
    }
  };
  live.forEach((item, i) => {
    const key = liveKeys[i] ?? '';
    const at = configPosition.get(key);
    if (at === undefined) {
      if (!emitted.has(key)) out.push(cloneJson(item));
      return;
    }
    emitConfigUpTo(at);
  });
  emitConfigUpTo(config.length - 1);
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
