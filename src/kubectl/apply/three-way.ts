/**
 * The patch client-side apply sends: a three-way diff of the last applied configuration
 * (original), the file (modified) and the live object (current), as kubectl's
 * CreateThreeWayMergePatch — changes and additions come from current -> modified, deletions
 * from original -> modified. With a schema (built-in kinds) lists with a merge key are
 * merged per element with `$setElementOrder`; without one (custom resources) the result is
 * a JSON merge patch and lists are replaced whole.
 */
import { fieldSchema, itemSchema, listStrategy } from './schema.js';
import type { SchemaCursor } from './schema.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined), kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/** Builds the patch; an empty object means "unchanged". `cursor` undefined: merge patch. */
export function threeWayPatch(original: Obj | undefined, modified: Obj, current: Obj, cursor: SchemaCursor | undefined): Obj {
  const patch: Obj = {};
  for (const [key, m] of Object.entries(modified)) {
    const c = current[key];
    const o = original?.[key];
    const child = cursor ? fieldSchema(cursor, key) : undefined;
    if (isObj(m) && isObj(c)) {
      const sub = threeWayPatch(isObj(o) ? o : undefined, m, c, child);
      if (Object.keys(sub).length > 0) patch[key] = sub;
      continue;
    }
    if (Array.isArray(m) && Array.isArray(c) && child) {
      const strategy = listStrategy(child);
      if (strategy.merge && strategy.mergeKey) {
        const listPatch = mergeList(Array.isArray(o) ? o : undefined, m, c, strategy.mergeKey, itemSchema(child));
        if (listPatch) {
          patch[key] = listPatch;
          patch[`$setElementOrder/${key}`] = m.map((e) => (isObj(e) ? { [strategy.mergeKey as string]: e[strategy.mergeKey as string] } : e));
        }
        continue;
      }
    }
    if (!deepEqual(m, c)) patch[key] = m;
  }
  if (original) {
    for (const key of Object.keys(original)) {
      if (!(key in modified) && key in current) patch[key] = null;
    }
  }
  return patch;
}

function mergeList(original: unknown[] | undefined, modified: unknown[], current: unknown[], mergeKey: string, items: SchemaCursor): unknown[] | undefined {
  const keyOf = (e: unknown): unknown => (isObj(e) ? e[mergeKey] : undefined);
  const find = (list: unknown[] | undefined, k: unknown): Obj | undefined => list?.find((e) => isObj(e) && deepEqual(e[mergeKey], k)) as Obj | undefined;
  const out: unknown[] = [];
  for (const m of modified) {
    if (!isObj(m)) continue;
    const k = keyOf(m);
    const c = find(current, k);
    if (!c) { out.push(m); continue; }
    const sub = threeWayPatch(find(original, k), m, c, items);
    if (Object.keys(sub).length > 0) out.push({ ...sub, [mergeKey]: k });
  }
  for (const o of original ?? []) {
    const k = keyOf(o);
    if (!modified.some((m) => deepEqual(keyOf(m), k)) && find(current, k)) out.push({ $patch: 'delete', [mergeKey]: k });
  }
  return out.length > 0 ? out : undefined;
}
