/** apps/v1 DaemonSet: one pod per eligible node. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, containersColumn, createdAt, formatLabels, imagesColumn, nameColumn, nameOf, selectorColumn } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { notSupported } from '../../meta/field-errors.js';
import { ensureRecord, recordAt, setDefault, setDefaultString, stringAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { defaultPodTemplate } from '../core/pod-spec-defaults.js';
import { validateIntOrPercent } from './deployment.js';
import { intAt, templateCells } from './workload-columns.js';
import { nonNegative, validateSelectorImmutable, validateWorkloadTemplate } from './workload.js';

const UPDATE_STRATEGIES = ['OnDelete', 'RollingUpdate'];

function defaultDaemonSet(obj: KubeObject): void {
  const spec = ensureRecord(obj as JsonRecord, 'spec');
  const update = ensureRecord(spec, 'updateStrategy');
  setDefaultString(update, 'type', 'RollingUpdate');
  if (update['type'] === 'RollingUpdate') {
    const ru = ensureRecord(update, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplate(spec['template']);
}

function validateDaemonSet(obj: KubeObject): FieldError[] {
  const spec = recordAt(obj, 'spec');
  const errs = [...nonNegative(spec, 'minReadySeconds', 'spec'), ...validateWorkloadTemplate(spec, { kindWord: 'daemonset', restartPolicies: ['Always'] })];
  const update = recordAt(spec, 'updateStrategy');
  const type = stringAt(update, 'type');
  if (type !== undefined && !UPDATE_STRATEGIES.includes(type)) errs.push(notSupported('spec.updateStrategy.type', type, UPDATE_STRATEGIES));
  const ru = recordAt(update, 'rollingUpdate');
  if (ru) {
    errs.push(...validateIntOrPercent(ru['maxUnavailable'], 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
    errs.push(...validateIntOrPercent(ru['maxSurge'], 'spec.updateStrategy.rollingUpdate.maxSurge'));
  }
  return errs;
}

function daemonSetRow(ds: KubeObject, ctx: StrategyContext): unknown[] {
  const status = recordAt(ds, 'status');
  const nodeSelector = recordAt(recordAt(recordAt(ds, 'spec'), 'template'), 'spec')?.['nodeSelector'];
  return [
    nameOf(ds), intAt(status, 'desiredNumberScheduled'), intAt(status, 'currentNumberScheduled'), intAt(status, 'numberReady'),
    intAt(status, 'updatedNumberScheduled'), intAt(status, 'numberAvailable'), formatLabels(nodeSelector),
    ageOf(createdAt(ds), ctx.now), ...templateCells(ds),
  ];
}

export const daemonsets = defineResource({
  group: 'apps', version: 'v1', kind: 'DaemonSet', plural: 'daemonsets', shortNames: ['ds'], categories: ['all'], namespaced: true,
  subresources: ['status'],
  schemaName: 'io.k8s.api.apps.v1.DaemonSet',
  strategy: makeStrategy({
    hasStatus: true,
    initialStatus: () => ({ currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 }),
    defaults: defaultDaemonSet,
    validate: validateDaemonSet,
    validateUpdate: (obj, old) => validateSelectorImmutable(obj, old),
  }),
  columns: [
    nameColumn,
    column('Desired', 'The total number of nodes that should be running the daemon pod.', { type: 'integer' }),
    column('Current', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.', { type: 'integer' }),
    column('Ready', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.', { type: 'integer' }),
    column('Up-to-date', 'The total number of nodes that are running updated daemon pod', { type: 'integer' }),
    column('Available', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.', { type: 'integer' }),
    column('Node Selector', 'NodeSelector is a selector which must be true for the pod to fit on a node.'),
    ageColumn, containersColumn, imagesColumn, selectorColumn,
  ],
  row: daemonSetRow,
});
