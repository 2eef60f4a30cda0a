/** events.k8s.io/v1 Event: the newer event API; printed with the core event columns. */
import type { FieldError, KubeObject, StrategyContext } from '../../types.js';
import { defineResource } from '../../meta/define.js';
import { required } from '../../meta/field-errors.js';
import { numberAt, recordAt, stringAt } from '../../meta/json.js';
import { makeStrategy } from '../../meta/strategy.js';
import { eventColumns, eventRowFromView, type EventView } from '../core/event-printer.js';

/** Reads an events.k8s.io event in core/v1 terms (regarding -> involvedObject, note -> message, ...). */
function newEventView(ev: KubeObject): EventView {
  const source = recordAt(ev, 'deprecatedSource');
  return {
    involvedObject: recordAt(ev, 'regarding'),
    reason: stringAt(ev, 'reason') ?? '', message: stringAt(ev, 'note') ?? '', type: stringAt(ev, 'type') ?? '',
    firstTimestamp: stringAt(ev, 'deprecatedFirstTimestamp'), lastTimestamp: stringAt(ev, 'deprecatedLastTimestamp'), eventTime: stringAt(ev, 'eventTime'),
    count: numberAt(ev, 'deprecatedCount') ?? 0, series: recordAt(ev, 'series'),
    sourceComponent: stringAt(source, 'component') ?? '', sourceHost: stringAt(source, 'host') ?? '',
    reportingController: stringAt(ev, 'reportingController') ?? '', reportingInstance: stringAt(ev, 'reportingInstance') ?? '',
  };
}

function validateNewEvent(ev: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['eventTime', 'reportingController', 'reportingInstance', 'action', 'reason']) {
    if (!ev[key]) errs.push(required(key));
  }
  const type = stringAt(ev, 'type');
  if (type !== 'Normal' && type !== 'Warning') {
    errs.push({ field: 'type', type: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(type ?? '')}: has invalid value: ${type ?? ''}` });
  }
  return errs;
}

export const eventsV1 = defineResource({
  group: 'events.k8s.io', version: 'v1', kind: 'Event', plural: 'events', shortNames: ['ev'], namespaced: true,
  schemaName: 'io.k8s.api.events.v1.Event',
  strategy: makeStrategy({ validate: validateNewEvent }),
  columns: eventColumns,
  row: (ev: KubeObject, ctx: StrategyContext) => eventRowFromView(ev.metadata?.name ?? '', newEventView(ev), ctx),
});
