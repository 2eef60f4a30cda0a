/** apps/v1 Deployment: rolling-update defaults, selector/template rules, the deployments table. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, containersColumn, createdAt, imagesColumn, nameColumn, nameOf, selectorColumn } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { forbidden, invalid, notSupported } from '../../meta/field-errors.js';
import { ensureRecord, numberAt, recordAt, setDefault, setDefaultString, stringAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { defaultPodTemplate } from '../core/pod-spec-defaults.js';
import { intAt, templateCells } from './workload-columns.js';
import { nonNegative, validateReplicas, validateSelectorImmutable, validateWorkloadTemplate } from './workload.js';

const STRATEGY_TYPES = ['Recreate', 'RollingUpdate'];

function defaultDeployment(obj: KubeObject): void {
  const spec = ensureRecord(obj as JsonRecord, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = ensureRecord(spec, 'strategy');
  setDefaultString(strategy, 'type', 'RollingUpdate');
  if (strategy['type'] === 'RollingUpdate') {
    const ru = ensureRecord(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplate(spec['template']);
}

/** An IntOrString that is 0 or "0%". */
function isZero(v: unknown): boolean {
  return v === 0 || v === '0%';
}

export function validateIntOrPercent(v: unknown, field: string): FieldError[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'number') return v < 0 ? [invalid(field, v, 'must be greater than or equal to 0')] : [];
  if (typeof v === 'string') {
    const m = /^(\d+)%$/.exec(v);
    if (!m) return [invalid(field, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
    if (Number(m[1]) > 100) return [invalid(field, v, 'must not be greater than 100%')];
    return [];
  }
  return [invalid(field, v, 'must be an integer or percentage (e.g \'5%\')')];
}

function validateDeployment(obj: KubeObject): FieldError[] {
  const spec = recordAt(obj, 'spec');
  const errs = [...validateReplicas(spec, 'spec.replicas'), ...validateWorkloadTemplate(spec, { kindWord: 'deployment', restartPolicies: ['Always'] })];
  const strategy = recordAt(spec, 'strategy');
  const type = stringAt(strategy, 'type');
  if (type !== undefined && !STRATEGY_TYPES.includes(type)) errs.push(notSupported('spec.strategy.type', type, STRATEGY_TYPES));
  const ru = recordAt(strategy, 'rollingUpdate');
  if (type === 'Recreate' && ru) errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
  if (type === 'RollingUpdate' && ru) {
    errs.push(...validateIntOrPercent(ru['maxUnavailable'], 'spec.strategy.rollingUpdate.maxUnavailable'));
    errs.push(...validateIntOrPercent(ru['maxSurge'], 'spec.strategy.rollingUpdate.maxSurge'));
    if (isZero(ru['maxUnavailable']) && isZero(ru['maxSurge'])) {
      errs.push(invalid('spec.strategy.rollingUpdate.maxUnavailable', ru['maxUnavailable'], 'may not be 0 when `maxSurge` is 0'));
    }
  }
  errs.push(...nonNegative(spec, 'minReadySeconds', 'spec'), ...nonNegative(spec, 'revisionHistoryLimit', 'spec'));
  const deadline = numberAt(spec, 'progressDeadlineSeconds');
  const minReady = numberAt(spec, 'minReadySeconds') ?? 0;
  if (deadline !== undefined && deadline <= minReady) errs.push(invalid('spec.progressDeadlineSeconds', deadline, 'must be greater than minReadySeconds'));
  return errs;
}

function deploymentRow(d: KubeObject, ctx: StrategyContext): unknown[] {
  const status = recordAt(d, 'status');
  const desired = intAt(recordAt(d, 'spec'), 'replicas');
  return [
    nameOf(d), `${intAt(status, 'readyReplicas')}/${desired}`, intAt(status, 'updatedReplicas'), intAt(status, 'availableReplicas'),
    ageOf(createdAt(d), ctx.now), ...templateCells(d),
  ];
}

export const deployments = defineResource({
  group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', shortNames: ['deploy'], categories: ['all'], namespaced: true,
  subresources: ['scale', 'status'],
  scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' },
  schemaName: 'io.k8s.api.apps.v1.Deployment',
  strategy: makeStrategy({
    hasStatus: true,
    initialStatus: () => ({}),
    defaults: defaultDeployment,
    validate: validateDeployment,
    validateUpdate: (obj, old) => validateSelectorImmutable(obj, old),
  }),
  columns: [
    nameColumn,
    column('Ready', 'Number of the pod with ready state'),
    column('Up-to-date', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    column('Available', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageColumn, containersColumn, imagesColumn, selectorColumn,
  ],
  row: deploymentRow,
});
