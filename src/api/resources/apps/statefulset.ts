/** apps/v1 StatefulSet: ordered pods with stable names and per-pod claims. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, containersColumn, createdAt, imagesColumn, nameColumn, nameOf } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { forbidden, notSupported, required } from '../../meta/field-errors.js';
import { deepClone, ensureRecord, jsonEqual, recordAt, recordsAt, setDefault, setDefaultString, stringAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { defaultPodTemplate } from '../core/pod-spec-defaults.js';
import { validateClaimSpec } from '../core/persistentvolumeclaim.js';
import { intAt, templateCells } from './workload-columns.js';
import { nonNegative, validateReplicas, validateWorkloadTemplate } from './workload.js';

const POD_MANAGEMENT = ['OrderedReady', 'Parallel'];
const UPDATE_STRATEGIES = ['OnDelete', 'RollingUpdate'];
const RETENTION = ['Delete', 'Retain'];
const MUTABLE_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

function defaultStatefulSet(obj: KubeObject): void {
  const spec = ensureRecord(obj as JsonRecord, 'spec');
  setDefaultString(spec, 'podManagementPolicy', 'OrderedReady');
  const update = ensureRecord(spec, 'updateStrategy');
  setDefaultString(update, 'type', 'RollingUpdate');
  if (update['type'] === 'RollingUpdate') setDefault(ensureRecord(update, 'rollingUpdate'), 'partition', 0);
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  const retention = ensureRecord(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefaultString(retention, 'whenDeleted', 'Retain');
  setDefaultString(retention, 'whenScaled', 'Retain');
  defaultPodTemplate(spec['template']);
  for (const claim of recordsAt(spec, 'volumeClaimTemplates')) {
    const meta = ensureRecord(claim, 'metadata');
    if (!('creationTimestamp' in meta)) meta['creationTimestamp'] = null;
    setDefaultString(ensureRecord(claim, 'spec'), 'volumeMode', 'Filesystem');
    setDefaultString(ensureRecord(claim, 'status'), 'phase', 'Pending');
  }
}

function validateStatefulSet(obj: KubeObject): FieldError[] {
  const spec = recordAt(obj, 'spec');
  const errs = [
    ...validateReplicas(spec, 'spec.replicas'), ...nonNegative(spec, 'minReadySeconds', 'spec'),
    ...validateWorkloadTemplate(spec, { kindWord: 'statefulset', restartPolicies: ['Always'] }),
  ];
  const pm = stringAt(spec, 'podManagementPolicy');
  if (pm !== undefined && !POD_MANAGEMENT.includes(pm)) errs.push(notSupported('spec.podManagementPolicy', pm, POD_MANAGEMENT));
  const us = stringAt(recordAt(spec, 'updateStrategy'), 'type');
  if (us !== undefined && !UPDATE_STRATEGIES.includes(us)) errs.push(notSupported('spec.updateStrategy.type', us, UPDATE_STRATEGIES));
  const retention = recordAt(spec, 'persistentVolumeClaimRetentionPolicy');
  for (const key of ['whenDeleted', 'whenScaled']) {
    const v = stringAt(retention, key);
    if (v !== undefined && !RETENTION.includes(v)) errs.push(notSupported(`spec.persistentVolumeClaimRetentionPolicy.${key}`, v, RETENTION));
  }
  recordsAt(spec, 'volumeClaimTemplates').forEach((claim, i) => {
    const path = `spec.volumeClaimTemplates[${i}]`;
    if (!stringAt(recordAt(claim, 'metadata'), 'name')) errs.push(required(`${path}.metadata.name`));
    errs.push(...validateClaimSpec(recordAt(claim, 'spec'), `${path}.spec`));
  });
  return errs;
}

function validateStatefulSetUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  const strip = (s: JsonRecord | undefined): JsonRecord => {
    const copy = deepClone(s ?? {});
    for (const f of MUTABLE_FIELDS) delete copy[f];
    return copy;
  };
  if (jsonEqual(strip(recordAt(obj, 'spec')), strip(recordAt(old, 'spec')))) return [];
  return [forbidden('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")];
}

function statefulSetRow(sts: KubeObject, ctx: StrategyContext): unknown[] {
  const [containers, images] = templateCells(sts);
  return [
    nameOf(sts), `${intAt(recordAt(sts, 'status'), 'readyReplicas')}/${intAt(recordAt(sts, 'spec'), 'replicas')}`,
    ageOf(createdAt(sts), ctx.now), containers, images,
  ];
}

export const statefulsets = defineResource({
  group: 'apps', version: 'v1', kind: 'StatefulSet', plural: 'statefulsets', shortNames: ['sts'], categories: ['all'], namespaced: true,
  subresources: ['scale', 'status'],
  scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  schemaName: 'io.k8s.api.apps.v1.StatefulSet',
  strategy: makeStrategy({
    hasStatus: true,
    initialStatus: () => ({ replicas: 0, availableReplicas: 0 }),
    defaults: defaultStatefulSet,
    validate: validateStatefulSet,
    validateUpdate: validateStatefulSetUpdate,
  }),
  columns: [nameColumn, column('Ready', 'Number of the pod with ready state'), ageColumn, containersColumn, imagesColumn],
  row: statefulSetRow,
});
