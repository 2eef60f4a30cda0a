/** apps/v1 ControllerRevision: immutable snapshots of a StatefulSet's or DaemonSet's template. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { ageColumn, column, createdAt, nameColumn, nameOf } from '../../meta/columns.js';
import { defineResource } from '../../meta/define.js';
import { immutable, invalid } from '../../meta/field-errors.js';
import { jsonEqual, numberAt } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';

/** `daemonset.apps/web`, from the controller owner reference. */
function controllerOf(cr: KubeObject): string {
  const ref = (cr.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash >= 0 ? ref.apiVersion.slice(0, slash) : '';
  return `${ref.kind.toLowerCase()}${group ? `.${group}` : ''}/${ref.name}`;
}

export const controllerrevisions = defineResource({
  group: 'apps', version: 'v1', kind: 'ControllerRevision', plural: 'controllerrevisions', namespaced: true,
  schemaName: 'io.k8s.api.apps.v1.ControllerRevision',
  strategy: makeStrategy({
    validate(cr): FieldError[] {
      const rev = numberAt(cr, 'revision');
      return rev !== undefined && rev < 0 ? [invalid('revision', rev, 'must be greater than or equal to 0')] : [];
    },
    validateUpdate: (cr, old) => (jsonEqual(cr['data'], old['data']) ? [] : [immutable('data', '<data>')]),
  }),
  columns: [
    nameColumn,
    column('Controller', 'The controller that owns this revision.'),
    column('Revision', 'Revision indicates the revision of the state represented by Data.'),
    ageColumn,
  ],
  row: (cr: KubeObject, ctx: StrategyContext) => [nameOf(cr), controllerOf(cr), numberAt(cr, 'revision') ?? 0, ageOf(createdAt(cr), ctx.now)],
});
