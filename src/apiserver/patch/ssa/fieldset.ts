/**
 * Sets of field paths, as structured-merge-diff keeps them for managedFields. A path is a
 * list of encoded elements: `f:<name>` (a field or map key), `k:<json>` (a list item by its
 * keys, e.g. `k:{"name":"nginx"}`), `v:<json>` (a set item), `i:<n>` (a list index). The
 * set is a tree; a node is a member when the path itself is in the set.
 * FieldsV1 is that tree as JSON, with `".": {}` marking a member that also has children.
 */
import { isObject, type JsonObject } from '../json.js';

export type PathElement = string;
export type FieldPath = readonly PathElement[];

const TYPE_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** Upstream's element order: field names, then keys, then values, then indexes; each sorted. */
export function compareElements(a: PathElement, b: PathElement): number {
  const ta = TYPE_ORDER[a.slice(0, 1)] ?? 4;
  const tb = TYPE_ORDER[b.slice(0, 1)] ?? 4;
  if (ta !== tb) return ta - tb;
  const kind = a.slice(0, 1);
  if (kind === 'k' || kind === 'v') return compareValues(parseOrText(a.slice(2)), parseOrText(b.slice(2)));
  if (kind === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return compareText(a, b);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text; // not JSON: compare it as text rather than fail on a hand-written entry
  }
}

/** Value order as structured-merge-diff compares keys: numbers numerically, objects field by field. */
function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
      const byName = compareText(ka[i] ?? '', kb[i] ?? '');
      if (byName !== 0) return byName;
      const byValue = compareValues(a[ka[i] ?? ''], b[kb[i] ?? '']);
      if (byValue !== 0) return byValue;
    }
    return ka.length - kb.length;
  }
  return compareText(JSON.stringify(a) ?? '', JSON.stringify(b) ?? '');
}

export class FieldSet {
  member = false;
  readonly children = new Map<PathElement, FieldSet>();

  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    if (isObject(fields)) set.load(fields);
    return set;
  }

  private load(fields: JsonObject): void {
    for (const [key, value] of Object.entries(fields)) {
      if (key === '.') {
        this.member = true;
        continue;
      }
      const child = this.child(key);
      if (isObject(value) && Object.keys(value).length > 0) child.load(value);
      else child.member = true;
    }
  }

  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    for (const key of [...this.children.keys()].sort(compareElements)) {
      const child = this.children.get(key);
      if (!child || child.isEmpty()) continue;
      const inner = child.toFieldsV1();
      out[key] = child.member && Object.keys(inner).length > 0 ? { '.': {}, ...inner } : inner;
    }
    return out;
  }

  child(element: PathElement): FieldSet {
    let node = this.children.get(element);
    if (!node) {
      node = new FieldSet();
      this.children.set(element, node);
    }
    return node;
  }

  insert(path: FieldPath): void {
    let node: FieldSet = this;
    for (const element of path) node = node.child(element);
    if (path.length > 0) node.member = true;
  }

  /** The node at `path`, if any path in the set passes through it. */
  at(path: FieldPath): FieldSet | undefined {
    let node: FieldSet | undefined = this;
    for (const element of path) node = node?.children.get(element);
    return node && !node.isEmpty() ? node : undefined;
  }

  has(path: FieldPath): boolean {
    return this.at(path)?.member === true;
  }

  isEmpty(): boolean {
    if (this.member) return false;
    for (const child of this.children.values()) if (!child.isEmpty()) return false;
    return true;
  }

  /** True when some path below this node (not the node itself) is a member. */
  hasDescendants(): boolean {
    for (const child of this.children.values()) if (!child.isEmpty()) return true;
    return false;
  }

  union(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a || b);
  }

  intersection(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a && b);
  }

  difference(other: FieldSet): FieldSet {
    return combine(this, other, (a, b) => a && !b);
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** Every member path, in upstream's iteration order: a level's members first, then each child's subtree. */
  paths(prefix: FieldPath = []): PathElement[][] {
    const out: PathElement[][] = [];
    const keys = [...this.children.keys()].sort(compareElements);
    for (const key of keys) if (this.children.get(key)?.member) out.push([...prefix, key]);
    for (const key of keys) out.push(...(this.children.get(key)?.paths([...prefix, key]) ?? []));
    return out;
  }
}

function combine(a: FieldSet | undefined, b: FieldSet | undefined, keep: (inA: boolean, inB: boolean) => boolean): FieldSet {
  const out = new FieldSet();
  out.member = keep(a?.member ?? false, b?.member ?? false);
  const keys = new Set([...(a?.children.keys() ?? []), ...(b?.children.keys() ?? [])]);
  for (const key of keys) {
    const child = combine(a?.children.get(key), b?.children.get(key), keep);
    if (!child.isEmpty()) out.children.set(key, child);
  }
  return out;
}

/** A path as upstream prints it: `.spec.containers[name="nginx"].image`, `[=value]` for set items. */
export function pathString(path: FieldPath): string {
  return path.map(elementString).join('');
}

function elementString(element: PathElement): string {
  const body = element.slice(2);
  switch (element.slice(0, 2)) {
    case 'f:': return `.${body}`;
    case 'v:': return `[=${body}]`;
    case 'i:': return `[${body}]`;
    case 'k:': {
      const keys: unknown = JSON.parse(body);
      if (!isObject(keys)) return `[${body}]`;
      return `[${Object.keys(keys).sort().map((k) => `${k}=${JSON.stringify(keys[k])}`).join(',')}]`;
    }
    default: return element;
  }
}
