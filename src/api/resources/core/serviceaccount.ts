/** core/v1 ServiceAccount. */
import type { KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { arrayAt } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';

export const serviceaccounts = defineResource({
  group: '', version: 'v1', kind: 'ServiceAccount', plural: 'serviceaccounts', shortNames: ['sa'], namespaced: true, subresources: ['token'],
  schemaName: 'io.k8s.api.core.v1.ServiceAccount',
  strategy: makeStrategy({}),
  columns: [nameColumn, column('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageColumn],
  row: (sa: KubeObject, ctx: StrategyContext) => [nameOf(sa), (arrayAt(sa, 'secrets') ?? []).length, ageOf(createdAt(sa), ctx.now)],
});
