/**
 * metadata.managedFields as a list of managers, each keyed by (manager, operation,
 * subresource), with its field set; encoding back sorts entries as upstream does
 * (Apply before Update, then by time, manager, apiVersion, subresource).
 */
import type { ManagedFieldsEntry } from '../../../api/types.js';
import { isObject } from '../json.js';
import { FieldSet } from './fieldset.js';

export interface Manager {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly subresource: string | undefined;
  apiVersion: string;
  time: string | undefined;
  set: FieldSet;
}

export function sameManager(a: Pick<Manager, 'manager' | 'operation' | 'subresource'>, b: Pick<Manager, 'manager' | 'operation' | 'subresource'>): boolean {
  return a.manager === b.manager && a.operation === b.operation && (a.subresource ?? '') === (b.subresource ?? '');
}

/**
 * Decodes entries; undefined when any entry is malformed (upstream then falls back to the
 * stored object's managedFields, or starts afresh).
 */
export function decodeManagedFields(entries: unknown): Manager[] | undefined {
  if (entries === undefined || entries === null) return [];
  if (!Array.isArray(entries)) return undefined;
  const out: Manager[] = [];
  for (const entry of entries) {
    if (!isObject(entry) || typeof entry.manager !== 'string') return undefined;
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') return undefined;
    if (entry.fieldsType !== undefined && entry.fieldsType !== 'FieldsV1') return undefined;
    if (entry.fieldsV1 !== undefined && !isObject(entry.fieldsV1)) return undefined;
    const decoded: Manager = {
      manager: entry.manager,
      operation: entry.operation,
      subresource: typeof entry.subresource === 'string' && entry.subresource !== '' ? entry.subresource : undefined,
      apiVersion: typeof entry.apiVersion === 'string' ? entry.apiVersion : '',
      time: typeof entry.time === 'string' ? entry.time : undefined,
      set: FieldSet.fromFieldsV1(entry.fieldsV1),
    };
    const existing = out.find((m) => sameManager(m, decoded));
    if (existing) existing.set = existing.set.union(decoded.set);
    else out.push(decoded);
  }
  return out;
}

export function encodeManagedFields(managers: readonly Manager[]): ManagedFieldsEntry[] {
  const sorted = managers.filter((m) => !m.set.isEmpty()).sort(compareManagers);
  return sorted.map((m) => {
    const entry: ManagedFieldsEntry = { manager: m.manager, operation: m.operation, apiVersion: m.apiVersion };
    if (m.time) entry.time = m.time;
    entry.fieldsType = 'FieldsV1';
    entry.fieldsV1 = m.set.toFieldsV1();
    if (m.subresource) entry.subresource = m.subresource;
    return entry;
  });
}

function compareManagers(a: Manager, b: Manager): number {
  const keys: Array<[string, string]> = [
    [a.operation, b.operation],
    [a.time ?? '', b.time ?? ''],
    [a.manager, b.manager],
    [a.apiVersion, b.apiVersion],
    [a.subresource ?? '', b.subresource ?? ''],
  ];
  for (const [x, y] of keys) if (x !== y) return x < y ? -1 : 1;
  return 0;
}

/** A manager as conflict messages name it: `"kubectl"`, `"x" with subresource "status"`, `"y" using v1`. */
export function describeManager(m: Manager): string {
  let text = JSON.stringify(m.manager);
  if (m.subresource) text += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') text += ` using ${m.apiVersion}`;
  return text;
}

/** RFC 3339 with seconds precision, as metav1.Time serialises. */
export function rfc3339(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
