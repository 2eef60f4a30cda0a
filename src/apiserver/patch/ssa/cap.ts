/**
 * Upstream keeps at most 10 Update entries in managedFields: when there are more, the
 * oldest are folded, per API version, into an `ancient-changes` entry, so objects written
 * by many clients do not grow without bound.
 */
import { FieldSet } from './fieldset.js';
import type { Manager } from './managed.js';

export const MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES = 'ancient-changes';

export function capUpdateManagers(managers: Manager[], max = MAX_UPDATE_MANAGERS): Manager[] {
  const updaters = managers.filter((m) => m.operation === 'Update' && !m.set.isEmpty());
  if (updaters.length <= max) return managers;
  updaters.sort((a, b) => (a.time ?? '').localeCompare(b.time ?? '') || a.manager.localeCompare(b.manager));
  const removed = new Set<Manager>();
  const firstOfVersion = new Map<string, Manager>();
  const buckets = new Map<string, Manager>();
  let count = updaters.length;
  for (const m of updaters) {
    if (count <= max) break;
    const first = firstOfVersion.get(m.apiVersion);
    if (!first) {
      firstOfVersion.set(m.apiVersion, m);
      continue;
    }
    let bucket = buckets.get(m.apiVersion);
    if (!bucket) {
      bucket = { manager: ANCIENT_CHANGES, operation: 'Update', subresource: undefined, apiVersion: m.apiVersion, time: first.time, set: first.set };
      buckets.set(m.apiVersion, bucket);
      removed.add(first);
    }
    bucket.set = bucket.set.union(m.set);
    bucket.time = m.time; // the newer of the two, as upstream
    removed.add(m);
    count--;
  }
  const kept = managers.filter((m) => !removed.has(m));
  for (const bucket of buckets.values()) {
    const existing = kept.find((m) => m.manager === ANCIENT_CHANGES && m.operation === 'Update' && m.subresource === undefined && m.apiVersion === bucket.apiVersion);
    if (existing) existing.set = existing.set.union(bucket.set);
    else kept.push(bucket);
  }
  return kept;
}

