/** core/v1 PersistentVolume: cluster-scoped storage, Retain and Filesystem by default. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf, wide } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { notSupported, required } from '../../meta/field-errors.js';
import { ensureRecord, recordAt, setDefaultString, stringAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { ACCESS_MODES, accessModesOf, accessModesString, storageClassOf, storageQuantity } from './volumes.js';

const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const NON_SOURCE_FIELDS = new Set(['capacity', 'accessModes', 'claimRef', 'persistentVolumeReclaimPolicy', 'storageClassName', 'mountOptions', 'volumeMode', 'nodeAffinity', 'volumeAttributesClassName']);

function validatePV(pv: KubeObject): FieldError[] {
  const spec = recordAt(pv, 'spec') ?? {};
  const errs: FieldError[] = [];
  if (accessModesOf(spec).length === 0) errs.push(required('spec.accessModes'));
  for (const m of accessModesOf(spec)) if (!ACCESS_MODES.includes(String(m))) errs.push(notSupported('spec.accessModes', m, ACCESS_MODES));
  if (storageQuantity(spec['capacity']) === '') errs.push(required('spec.capacity'));
  if (!Object.keys(spec).some((k) => !NON_SOURCE_FIELDS.has(k))) errs.push(required('spec', 'must specify a volume type'));
  const policy = stringAt(spec, 'persistentVolumeReclaimPolicy');
  if (policy !== undefined && !RECLAIM_POLICIES.includes(policy)) errs.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, RECLAIM_POLICIES));
  return errs;
}

function pvRow(pv: KubeObject, ctx: StrategyContext): unknown[] {
  const spec = recordAt(pv, 'spec');
  const status = recordAt(pv, 'status');
  const claimRef = recordAt(spec, 'claimRef');
  const claim = claimRef ? `${stringAt(claimRef, 'namespace') ?? ''}/${stringAt(claimRef, 'name') ?? ''}` : '';
  const phase = pv.metadata?.deletionTimestamp ? 'Terminating' : stringAt(status, 'phase') ?? '';
  return [
    nameOf(pv), storageQuantity(spec?.['capacity']), accessModesString(spec?.['accessModes']), stringAt(spec, 'persistentVolumeReclaimPolicy') ?? '',
    phase, claim, storageClassOf(pv), stringAt(spec, 'volumeAttributesClassName') ?? '<unset>', stringAt(status, 'reason') ?? '',
    ageOf(createdAt(pv), ctx.now), stringAt(spec, 'volumeMode') ?? '<unset>',
  ];
}

export const persistentvolumes = defineResource({
  group: '', version: 'v1', kind: 'PersistentVolume', plural: 'persistentvolumes', shortNames: ['pv'], namespaced: false,
  subresources: ['status'],
  schemaName: 'io.k8s.api.core.v1.PersistentVolume',
  strategy: makeStrategy({
    hasStatus: true,
    usesGeneration: false,
    initialStatus: () => ({ phase: 'Pending' }),
    defaults(pv) {
      const spec = ensureRecord(pv as JsonRecord, 'spec');
      setDefaultString(spec, 'persistentVolumeReclaimPolicy', 'Retain');
      setDefaultString(spec, 'volumeMode', 'Filesystem');
    },
    validate: validatePV,
  }),
  columns: [
    nameColumn,
    column('Capacity', 'The capacity of the volume.'),
    column('Access Modes', 'How the volume can be mounted.'),
    column('Reclaim Policy', 'What happens to the volume when released from its claim.'),
    column('Status', 'The phase of the volume.'),
    column('Claim', 'The claim bound to this volume.'),
    column('StorageClass', 'The storage class of the volume.'),
    column('VolumeAttributesClass', 'The volume attributes class of the volume.'),
    column('Reason', 'Why the volume is in its phase.'),
    ageColumn,
    wide('VolumeMode', 'Whether the volume is a filesystem or a raw block device.'),
  ],
  row: pvRow,
});
