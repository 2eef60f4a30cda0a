/**
 * Small typed accessors for objects that arrive as untyped JSON. Strategies and printers
 * read and default nested fields through these instead of casting.
 */
export type JsonRecord = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The record at `parent[key]`, or undefined when absent or not an object. */
export function recordAt(parent: unknown, key: string): JsonRecord | undefined {
  if (!isRecord(parent)) return undefined;
  const v = parent[key];
  return isRecord(v) ? v : undefined;
}

/** The record at `parent[key]`, created empty when absent (for defaulting). */
export function ensureRecord(parent: JsonRecord, key: string): JsonRecord {
  const v = parent[key];
  if (isRecord(v)) return v;
  const created: JsonRecord = {};
  parent[key] = created;
  return created;
}

/** The records of the array at `parent[key]` (non-objects skipped). */
export function recordsAt(parent: unknown, key: string): JsonRecord[] {
  if (!isRecord(parent)) return [];
  const v = parent[key];
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

export function arrayAt(parent: unknown, key: string): unknown[] | undefined {
  if (!isRecord(parent)) return undefined;
  const v = parent[key];
  return Array.isArray(v) ? v : undefined;
}

export function stringAt(parent: unknown, key: string): string | undefined {
  if (!isRecord(parent)) return undefined;
  const v = parent[key];
  return typeof v === 'string' ? v : undefined;
}

export function numberAt(parent: unknown, key: string): number | undefined {
  if (!isRecord(parent)) return undefined;
  const v = parent[key];
  return typeof v === 'number' ? v : undefined;
}

export function boolAt(parent: unknown, key: string): boolean | undefined {
  if (!isRecord(parent)) return undefined;
  const v = parent[key];
  return typeof v === 'boolean' ? v : undefined;
}

/** Sets `parent[key] = value` only when the key is absent or null (upstream's nil check). */
export function setDefault(parent: JsonRecord, key: string, value: unknown): void {
  if (parent[key] === undefined || parent[key] === null) parent[key] = value;
}

/** Sets a string default when the field is absent or the empty string (Go's zero value). */
export function setDefaultString(parent: JsonRecord, key: string, value: string): void {
  const v = parent[key];
  if (v === undefined || v === null || v === '') parent[key] = value;
}

/** Reads a simple JSONPath such as `.spec.replicas` or `.status.conditions[0].type`. */
export function valueAtPath(obj: unknown, path: string): unknown {
  const parts = path.replace(/^\./, '').split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let cur: unknown = obj;
  for (const part of parts) {
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else if (isRecord(cur)) cur = cur[part];
    else return undefined;
  }
  return cur;
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => jsonEqual(a[k], b[k]));
  }
  return false;
}

export function deepClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
