/** core/v1 Event. */
import type { FieldError, KubeObject } from '../../types.js';
import { defineResource } from '../../meta/define.js';
import { invalid, required } from '../../meta/field-errors.js';
import { recordAt, stringAt } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { coreEventRow, eventColumns } from './event-printer.js';

function validateEvent(ev: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const involved = recordAt(ev, 'involvedObject');
  if (!involved) return [required('involvedObject')];
  const ns = stringAt(involved, 'namespace');
  // An event lives in the namespace of the object it is about (or default for cluster objects).
  if (ns && ev.metadata?.namespace && ns !== ev.metadata.namespace) errs.push(invalid('involvedObject.namespace', ns, 'does not match event.namespace'));
  const type = stringAt(ev, 'type');
  if (type !== undefined && type !== '' && type !== 'Normal' && type !== 'Warning') {
    errs.push({ field: 'type', type: 'FieldValueNotSupported', message: `Unsupported value: ${JSON.stringify(type)}: supported values: "Normal", "Warning"` });
  }
  return errs;
}

export const events = defineResource({
  group: '', version: 'v1', kind: 'Event', plural: 'events', shortNames: ['ev'], namespaced: true,
  schemaName: 'io.k8s.api.core.v1.Event',
  strategy: makeStrategy({ validate: validateEvent }),
  columns: eventColumns,
  row: coreEventRow,
});
