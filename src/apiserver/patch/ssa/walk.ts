/**
 * The two walks server-side apply is built on: the set of fields a value sets (what an
 * applier owns), and the comparison of two values (what a write added, modified, removed).
 */
import type { OpenApiSchema } from '../../../api/openapi-types.js';
import { deepEqual, isObject } from '../json.js';
import { FieldSet, type FieldPath } from './fieldset.js';
import { childField, indexItems, isGranular, isStruct, isUntracked, mayBeMember, shape, type Typed } from './typed.js';

/** The fields `value` sets: leaves, list items (as members), map keys, empty maps. */
export function toFieldSet(typed: Typed, value: unknown, schema: OpenApiSchema | undefined): FieldSet {
  const set = new FieldSet();
  visit(typed, value, schema, [], set);
  return set;
}

function visit(typed: Typed, value: unknown, schema: OpenApiSchema | undefined, path: FieldPath, set: FieldSet): void {
  const s = shape(typed, schema);
  if (!isGranular(s, value)) {
    if (path.length > 0 && mayBeMember(path)) set.insert(path);
    return;
  }
  if (Array.isArray(value)) {
    for (const [element, item] of indexItems(typed, s, value)) {
      const itemPath = [...path, element];
      if (s.kind === 'list-map') visit(typed, item, s.items, itemPath, set);
      set.insert(itemPath);
    }
    return;
  }
  if (!isObject(value)) return;
  for (const [key, child] of Object.entries(value)) {
    if (isUntracked(typed, path, key)) continue;
    const field = childField(typed, s, key);
    const childPath = [...path, `f:${key}`];
    visit(typed, child, field.schema, childPath, set);
    if (!field.declared) set.insert(childPath);
  }
}

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

/** What changed from `lhs` to `rhs`, path by path (undefined means absent). */
export function compare(typed: Typed, lhs: unknown, rhs: unknown, schema: OpenApiSchema | undefined): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareAt(typed, lhs, rhs, schema, [], out, { isField: false, required: true });
  return out;
}

interface Position {
  /** A declared struct field (not a map key or list item). */
  readonly isField: boolean;
  /** The field's name, when it is one. */
  readonly name?: string;
  /** Required in its parent: absent counts as present-but-empty. */
  readonly required: boolean;
}

function compareAt(typed: Typed, lhs: unknown, rhs: unknown, schema: OpenApiSchema | undefined, path: FieldPath, out: Comparison, pos: Position): void {
  // The same value on both sides (a subtree a write shares with the old object) changed nothing.
  if (lhs === rhs) return;
  const s = shape(typed, schema);
  const granular = (isGranular(s, lhs) || lhs === undefined || lhs === null || isEmptyObject(lhs)) &&
    (isGranular(s, rhs) || rhs === undefined || rhs === null || isEmptyObject(rhs)) &&
    (isGranular(s, lhs) || isGranular(s, rhs));
  const recordable = path.length > 0 && mayBeMember(path);
  if (!granular) {
    if (!recordable) return;
    if (lhs === undefined) out.added.insert(path);
    else if (rhs === undefined) out.removed.insert(path);
    else if (!deepEqual(lhs, rhs)) out.modified.insert(path);
    return;
  }
  if (s.kind === 'list-map' || s.kind === 'list-set') {
    const left = indexItems(typed, s, Array.isArray(lhs) ? lhs : []);
    const right = indexItems(typed, s, Array.isArray(rhs) ? rhs : []);
    for (const element of new Set([...left.keys(), ...right.keys()])) {
      const itemPath = [...path, element];
      const l = left.get(element);
      const r = right.get(element);
      if (s.kind === 'list-set') {
        if (!left.has(element)) out.added.insert(itemPath);
        else if (!right.has(element)) out.removed.insert(itemPath);
        continue;
      }
      compareAt(typed, left.has(element) ? l : undefined, right.has(element) ? r : undefined, s.items, itemPath, out, { isField: false, required: false });
      if (!left.has(element)) out.added.insert(itemPath);
      else if (!right.has(element)) out.removed.insert(itemPath);
    }
  } else {
    const left = isObject(lhs) ? lhs : {};
    const right = isObject(rhs) ? rhs : {};
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      if (isUntracked(typed, path, key)) continue;
      const field = childField(typed, s, key);
      compareAt(typed, left[key], right[key], field.schema, [...path, `f:${key}`], out, { isField: field.declared, name: key, required: field.required });
    }
  }
  const selfHidden = pos.required || (pos.isField && isStruct(typed, schema) && isValueStruct(pos.name ?? '', schema));
  if (!recordable || selfHidden) return;
  if (lhs === undefined) out.added.insert(path);
  else if (rhs === undefined) out.removed.insert(path);
}

/**
 * Go value structs (not pointers) are always present in upstream's typed objects, so adding
 * their contents never adds the struct itself: no `.` entry. Upstream's OpenAPI marks them
 * with `default: {}`; these are the usual ones when a schema does not.
 */
const VALUE_STRUCT_FIELDS = new Set(['metadata', 'spec', 'status', 'template', 'jobTemplate', 'strategy', 'updateStrategy', 'resources', 'nodeInfo', 'daemonEndpoints', 'loadBalancer']);

function isValueStruct(name: string, schema: OpenApiSchema | undefined): boolean {
  return schema?.default !== undefined || VALUE_STRUCT_FIELDS.has(name);
}

function isEmptyObject(value: unknown): boolean {
  return isObject(value) && Object.keys(value).length === 0;
}
