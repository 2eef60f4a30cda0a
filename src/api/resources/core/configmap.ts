/** core/v1 ConfigMap. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { duplicate } from '../../meta/field-errors.js';
import { isRecord } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { countKeys, validateConfigKeys, validateImmutableData } from './config-data.js';

function validateConfigMap(obj: KubeObject): FieldError[] {
  const errs = [...validateConfigKeys(obj['data'], 'data'), ...validateConfigKeys(obj['binaryData'], 'binaryData')];
  const data = obj['data'];
  const binary = obj['binaryData'];
  if (isRecord(data) && isRecord(binary)) {
    for (const k of Object.keys(binary)) if (k in data) errs.push(duplicate('data', k));
  }
  return errs;
}

export const configmaps = defineResource({
  group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', shortNames: ['cm'], namespaced: true,
  schemaName: 'io.k8s.api.core.v1.ConfigMap',
  strategy: makeStrategy({
    validate: validateConfigMap,
    validateUpdate: (obj, old) => validateImmutableData(obj, old, ['data', 'binaryData']),
  }),
  columns: [nameColumn, column('Data', 'Number of keys in the config map.'), ageColumn],
  row: (cm: KubeObject, ctx: StrategyContext) => [nameOf(cm), countKeys(cm['data'], cm['binaryData']), ageOf(createdAt(cm), ctx.now)],
});
