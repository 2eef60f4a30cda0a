/** Helpers shared by PersistentVolumes and PersistentVolumeClaims. */
import { arrayAt, isRecord, recordAt, stringAt } from '../../meta/json.js';
import type { KubeObject } from '../../types.js';

export const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const ABBREVIATIONS: ReadonlyArray<[string, string]> = [['ReadWriteOnce', 'RWO'], ['ReadOnlyMany', 'ROX'], ['ReadWriteMany', 'RWX'], ['ReadWriteOncePod', 'RWOP']];

/** `RWO,RWX` in upstream's fixed order. */
export function accessModesString(modes: unknown): string {
  const list = Array.isArray(modes) ? modes : [];
  return ABBREVIATIONS.filter(([m]) => list.includes(m)).map(([, a]) => a).join(',');
}

/** The storage class, from the beta annotation first, as upstream's helper reads it. */
export function storageClassOf(obj: KubeObject): string {
  return obj.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? stringAt(recordAt(obj, 'spec'), 'storageClassName') ?? '';
}

/** The `storage` entry of a resource list, as written (`10Gi`), or '' when absent. */
export function storageQuantity(map: unknown): string {
  const v = isRecord(map) ? map['storage'] : undefined;
  return v === undefined || v === null ? '' : String(v);
}

export function accessModesOf(spec: unknown): unknown[] {
  return arrayAt(spec, 'accessModes') ?? [];
}
