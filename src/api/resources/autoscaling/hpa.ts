/** autoscaling/v2 HorizontalPodAutoscaler. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { invalid, required } from '../../meta/field-errors.js';
import { arrayAt, ensureRecord, numberAt, recordAt, recordsAt, setDefault, setDefaultString, stringAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';

const DEFAULT_CPU_UTILIZATION = 80;

function defaultRules(rules: JsonRecord, stabilization: number, policies: JsonRecord[]): void {
  setDefault(rules, 'stabilizationWindowSeconds', stabilization);
  setDefaultString(rules, 'selectPolicy', 'Max');
  if ((arrayAt(rules, 'policies') ?? []).length === 0) rules['policies'] = policies;
}

function defaultHPA(obj: KubeObject): void {
  const spec = ensureRecord(obj as JsonRecord, 'spec');
  setDefault(spec, 'minReplicas', 1);
  if ((arrayAt(spec, 'metrics') ?? []).length === 0) {
    spec['metrics'] = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  // Behaviour is only completed when the user gave one; otherwise the controller's defaults apply.
  const behavior = recordAt(spec, 'behavior');
  if (behavior) {
    defaultRules(ensureRecord(behavior, 'scaleUp'), 0, [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }]);
    defaultRules(ensureRecord(behavior, 'scaleDown'), 300, [{ type: 'Percent', value: 100, periodSeconds: 15 }]);
  }
}

function validateHPA(obj: KubeObject): FieldError[] {
  const spec = recordAt(obj, 'spec');
  const errs: FieldError[] = [];
  const ref = recordAt(spec, 'scaleTargetRef');
  if (!stringAt(ref, 'kind')) errs.push(required('spec.scaleTargetRef.kind'));
  if (!stringAt(ref, 'name')) errs.push(required('spec.scaleTargetRef.name'));
  const min = numberAt(spec, 'minReplicas');
  const max = numberAt(spec, 'maxReplicas');
  if (min !== undefined && min < 1) errs.push(invalid('spec.minReplicas', min, 'must be greater than or equal to 1'));
  if (max === undefined || max < 1) errs.push(invalid('spec.maxReplicas', max ?? 0, 'must be greater than or equal to 1'));
  else if (min !== undefined && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  return errs;
}

function quantity(v: unknown): string {
  return v === undefined || v === null ? '<unknown>' : String(v);
}

/** The TARGETS cell: `cpu: 12%/80%`, at most two metrics then `+ N more...`. */
export function formatHPAMetrics(specs: JsonRecord[], statuses: JsonRecord[]): string {
  if (specs.length === 0) return '<none>';
  const list = specs.map((m, i) => {
    const st = statuses[i];
    switch (stringAt(m, 'type')) {
      case 'Resource':
      case 'ContainerResource': {
        const key = stringAt(m, 'type') === 'Resource' ? 'resource' : 'containerResource';
        const src = recordAt(m, key);
        const target = recordAt(src, 'target');
        const current = recordAt(recordAt(st, key), 'current');
        const name = stringAt(src, 'name') ?? '';
        if (target?.['averageValue'] !== undefined) {
          return `${name}: ${current ? quantity(current['averageValue']) : '<unknown>'}/${quantity(target['averageValue'])}`;
        }
        const cur = numberAt(current, 'averageUtilization');
        const tgt = numberAt(target, 'averageUtilization');
        return `${name}: ${cur !== undefined ? `${cur}%` : '<unknown>'}/${tgt !== undefined ? `${tgt}%` : '<auto>'}`;
      }
      case 'Pods': {
        const current = recordAt(recordAt(st, 'pods'), 'current');
        return `${current ? quantity(current['averageValue']) : '<unknown>'}/${quantity(recordAt(recordAt(m, 'pods'), 'target')?.['averageValue'])}`;
      }
      case 'Object':
      case 'External': {
        const key = stringAt(m, 'type') === 'Object' ? 'object' : 'external';
        const target = recordAt(recordAt(m, key), 'target');
        const current = recordAt(recordAt(st, key), 'current');
        if (target?.['averageValue'] !== undefined) return `${current ? quantity(current['averageValue']) : '<unknown>'}/${quantity(target['averageValue'])} (avg)`;
        return `${current ? quantity(current['value']) : '<unknown>'}/${quantity(target?.['value'])}`;
      }
      default:
        return '<unknown type>';
    }
  });
  const shown = 2;
  return list.length > shown ? `${list.slice(0, shown).join(', ')} + ${list.length - shown} more...` : list.join(', ');
}

function hpaRow(hpa: KubeObject, ctx: StrategyContext): unknown[] {
  const spec = recordAt(hpa, 'spec');
  const status = recordAt(hpa, 'status');
  const ref = recordAt(spec, 'scaleTargetRef');
  const min = numberAt(spec, 'minReplicas');
  return [
    nameOf(hpa), `${stringAt(ref, 'kind') ?? ''}/${stringAt(ref, 'name') ?? ''}`,
    formatHPAMetrics(recordsAt(spec, 'metrics'), recordsAt(status, 'currentMetrics')),
    min === undefined ? '<unset>' : String(min), numberAt(spec, 'maxReplicas') ?? 0, numberAt(status, 'currentReplicas') ?? 0,
    ageOf(createdAt(hpa), ctx.now),
  ];
}

export const horizontalpodautoscalers = defineResource({
  group: 'autoscaling', version: 'v2', kind: 'HorizontalPodAutoscaler', plural: 'horizontalpodautoscalers', shortNames: ['hpa'], categories: ['all'], namespaced: true,
  subresources: ['status'],
  schemaName: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
  strategy: makeStrategy({
    hasStatus: true,
    initialStatus: () => ({ desiredReplicas: 0 }),
    defaults: defaultHPA,
    validate: validateHPA,
  }),
  columns: [
    nameColumn,
    column('Reference', 'Reference to the target resource to scale.'),
    column('Targets', 'Current and target values of the metrics the autoscaler acts on.'),
    column('MinPods', 'Lower limit for the number of pods that can be set by the autoscaler.'),
    column('MaxPods', 'Upper limit for the number of pods that can be set by the autoscaler.'),
    column('Replicas', 'Current number of replicas of pods managed by this autoscaler.'),
    ageColumn,
  ],
  row: hpaRow,
});
