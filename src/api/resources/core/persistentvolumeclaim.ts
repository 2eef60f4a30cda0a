/** core/v1 PersistentVolumeClaim: a request for storage, immutable once made except its size. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf, wide } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { forbidden, notSupported, required } from '../../meta/field-errors.js';
import { deepClone, ensureRecord, jsonEqual, recordAt, setDefaultString, stringAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { ACCESS_MODES, accessModesOf, accessModesString, storageClassOf, storageQuantity } from './volumes.js';

/** Validates a claim spec at `path` (also used for StatefulSet volumeClaimTemplates). */
export function validateClaimSpec(spec: JsonRecord | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const modes = accessModesOf(spec);
  if (modes.length === 0) errs.push(required(`${path}.accessModes`, 'at least 1 access mode is required'));
  for (const m of modes) if (!ACCESS_MODES.includes(String(m))) errs.push(notSupported(`${path}.accessModes`, m, ACCESS_MODES));
  if (storageQuantity(recordAt(recordAt(spec, 'resources'), 'requests')) === '') errs.push(required(`${path}.resources[storage]`));
  return errs;
}

function comparableSpec(spec: JsonRecord | undefined, oldVolumeName: string | undefined): JsonRecord {
  const copy = deepClone(spec ?? {});
  const resources = recordAt(copy, 'resources');
  if (resources) delete resources['requests'];
  delete copy['volumeAttributesClassName'];
  // The binder may set volumeName once on an unbound claim.
  if (!oldVolumeName) delete copy['volumeName'];
  return copy;
}

function pvcRow(pvc: KubeObject, ctx: StrategyContext): unknown[] {
  const spec = recordAt(pvc, 'spec');
  const status = recordAt(pvc, 'status');
  const phase = pvc.metadata?.deletionTimestamp ? 'Terminating' : stringAt(status, 'phase') ?? '';
  const volumeName = stringAt(spec, 'volumeName') ?? '';
  const bound = volumeName !== '';
  return [
    nameOf(pvc), phase, volumeName, bound ? storageQuantity(status?.['capacity']) : '', bound ? accessModesString(status?.['accessModes']) : '',
    storageClassOf(pvc), stringAt(spec, 'volumeAttributesClassName') ?? '<unset>', ageOf(createdAt(pvc), ctx.now), stringAt(spec, 'volumeMode') ?? '<unset>',
  ];
}

export const persistentvolumeclaims = defineResource({
  group: '', version: 'v1', kind: 'PersistentVolumeClaim', plural: 'persistentvolumeclaims', shortNames: ['pvc'], namespaced: true,
  subresources: ['status'],
  schemaName: 'io.k8s.api.core.v1.PersistentVolumeClaim',
  strategy: makeStrategy({
    hasStatus: true,
    usesGeneration: false,
    initialStatus: () => ({ phase: 'Pending' }),
    defaults(pvc) {
      setDefaultString(ensureRecord(pvc as JsonRecord, 'spec'), 'volumeMode', 'Filesystem');
    },
    validate: (pvc) => validateClaimSpec(recordAt(pvc, 'spec'), 'spec'),
    validateUpdate(pvc, old) {
      const oldSpec = recordAt(old, 'spec');
      if (jsonEqual(comparableSpec(recordAt(pvc, 'spec'), stringAt(oldSpec, 'volumeName')), comparableSpec(oldSpec, stringAt(oldSpec, 'volumeName')))) return [];
      return [forbidden('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims')];
    },
  }),
  columns: [
    nameColumn,
    column('Status', 'The phase of the claim.'),
    column('Volume', 'The volume bound to this claim.'),
    column('Capacity', 'The capacity of the bound volume.'),
    column('Access Modes', 'How the bound volume can be mounted.'),
    column('StorageClass', 'The storage class of the claim.'),
    column('VolumeAttributesClass', 'The volume attributes class of the claim.'),
    ageColumn,
    wide('VolumeMode', 'Whether the volume is a filesystem or a raw block device.'),
  ],
  row: pvcRow,
});
