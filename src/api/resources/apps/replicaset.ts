/** apps/v1 ReplicaSet. */
import type { KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, containersColumn, createdAt, imagesColumn, nameColumn, nameOf, selectorColumn } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { ensureRecord, recordAt, setDefault, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { defaultPodTemplate } from '../core/pod-spec-defaults.js';
import { intAt, templateCells } from './workload-columns.js';
import { nonNegative, validateReplicas, validateSelectorImmutable, validateWorkloadTemplate } from './workload.js';

function replicaSetRow(rs: KubeObject, ctx: StrategyContext): unknown[] {
  const status = recordAt(rs, 'status');
  return [
    nameOf(rs), intAt(recordAt(rs, 'spec'), 'replicas'), intAt(status, 'replicas'), intAt(status, 'readyReplicas'),
    ageOf(createdAt(rs), ctx.now), ...templateCells(rs),
  ];
}

export const replicasets = defineResource({
  group: 'apps', version: 'v1', kind: 'ReplicaSet', plural: 'replicasets', shortNames: ['rs'], categories: ['all'], namespaced: true,
  subresources: ['scale', 'status'],
  scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  schemaName: 'io.k8s.api.apps.v1.ReplicaSet',
  strategy: makeStrategy({
    hasStatus: true,
    initialStatus: () => ({ replicas: 0 }),
    defaults(obj) {
      const spec = ensureRecord(obj as JsonRecord, 'spec');
      setDefault(spec, 'replicas', 1);
      defaultPodTemplate(spec['template']);
    },
    validate(obj) {
      const spec = recordAt(obj, 'spec');
      return [
        ...validateReplicas(spec, 'spec.replicas'), ...nonNegative(spec, 'minReadySeconds', 'spec'),
        ...validateWorkloadTemplate(spec, { kindWord: 'deployment', restartPolicies: ['Always'] }),
      ];
    },
    validateUpdate: (obj, old) => validateSelectorImmutable(obj, old),
  }),
  columns: [
    nameColumn,
    column('Desired', 'Number of desired pods.', { type: 'integer' }),
    column('Current', 'Number of actual pods.', { type: 'integer' }),
    column('Ready', 'The number of ready pods targeted by this ReplicaSet.', { type: 'integer' }),
    ageColumn, containersColumn, imagesColumn, selectorColumn,
  ],
  row: replicaSetRow,
});
