/**
 * scheduling.k8s.io/v1 PriorityClass: a name for a pod priority. Cluster-scoped; `value`
 * and `preemptionPolicy` cannot change once set; names starting with `system-` are
 * reserved for the built-in classes; user values must not exceed one billion.
 */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { forbidden, immutable, invalid, notSupported, required } from '../../meta/field-errors.js';
import { boolAt, numberAt, stringAt, type JsonRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';

/** The highest value a user-defined class may have (upstream HighestUserDefinablePriority). */
export const highestUserDefinablePriority = 1_000_000_000;
const systemClasses: Record<string, number> = { 'system-node-critical': 2_000_001_000, 'system-cluster-critical': 2_000_000_000 };

function validate(pc: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const name = nameOf(pc);
  const value = (pc as JsonRecord)['value'];
  if (value === undefined) errs.push(required('value'));
  else if (typeof value !== 'number' || !Number.isInteger(value)) errs.push(invalid('value', value, 'must be an integer'));
  else if (name in systemClasses) {
    if (value !== systemClasses[name]) errs.push(invalid('value', value, `value of system priority class ${name} must be ${systemClasses[name]}`));
  } else {
    if (name.startsWith('system-')) errs.push(forbidden('metadata.name', 'priority class names with \'system-\' prefix are reserved for system use only'));
    if (value > highestUserDefinablePriority) errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
  }
  const policy = stringAt(pc, 'preemptionPolicy');
  if (policy !== undefined && policy !== 'PreemptLowerPriority' && policy !== 'Never') errs.push(notSupported('preemptionPolicy', policy, ['Never', 'PreemptLowerPriority']));
  return errs;
}

export const priorityclasses = defineResource({
  group: 'scheduling.k8s.io', version: 'v1', kind: 'PriorityClass', plural: 'priorityclasses', shortNames: ['pc'], namespaced: false,
  schemaName: 'io.k8s.api.scheduling.v1.PriorityClass',
  strategy: makeStrategy({
    defaults(obj) {
      const rec = obj as JsonRecord;
      if (rec['preemptionPolicy'] === undefined) rec['preemptionPolicy'] = 'PreemptLowerPriority';
    },
    validate,
    validateUpdate(obj, old) {
      const errs: FieldError[] = [];
      if (numberAt(obj, 'value') !== numberAt(old, 'value')) errs.push(immutable('value', (obj as JsonRecord)['value']));
      if (stringAt(obj, 'preemptionPolicy') !== stringAt(old, 'preemptionPolicy')) errs.push(immutable('preemptionPolicy', (obj as JsonRecord)['preemptionPolicy']));
      return errs;
    },
  }),
  columns: [
    nameColumn,
    column('Value', 'value represents the integer value of this priority class.', { type: 'integer' }),
    column('Global-Default', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.', { type: 'boolean' }),
    ageColumn,
    column('PreemptionPolicy', 'preemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  row: (pc: KubeObject, ctx: StrategyContext) => [nameOf(pc), numberAt(pc, 'value') ?? 0, boolAt(pc, 'globalDefault') ?? false, ageOf(createdAt(pc), ctx.now), stringAt(pc, 'preemptionPolicy') ?? ''],
});
