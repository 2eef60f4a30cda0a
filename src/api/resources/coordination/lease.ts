/** coordination.k8s.io/v1 Lease: node heartbeats and leader election. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { invalid } from '../../meta/field-errors.js';
import { numberAt, recordAt, stringAt } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';

function validateLease(lease: KubeObject): FieldError[] {
  const spec = recordAt(lease, 'spec');
  const errs: FieldError[] = [];
  const duration = numberAt(spec, 'leaseDurationSeconds');
  if (duration !== undefined && duration <= 0) errs.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = numberAt(spec, 'leaseTransitions');
  if (transitions !== undefined && transitions < 0) errs.push(invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  return errs;
}

export const leases = defineResource({
  group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true,
  schemaName: 'io.k8s.api.coordination.v1.Lease',
  strategy: makeStrategy({ validate: validateLease }),
  columns: [nameColumn, column('Holder', 'The identity of the current holder of the lease.'), ageColumn],
  row: (lease: KubeObject, ctx: StrategyContext) => [nameOf(lease), stringAt(recordAt(lease, 'spec'), 'holderIdentity') ?? '', ageOf(createdAt(lease), ctx.now)],
});
