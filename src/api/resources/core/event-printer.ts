/**
 * The events table (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE, ...), shared by core/v1 and
 * events.k8s.io/v1 events: the latter are first read into core field names, as upstream does.
 */
import type { KubeObject, StrategyContext, TableColumn } from '../../types.js';
import { ageOf } from '../../meta/age.js';
import { column, nameOf, wide } from '../../meta/columns.js';
import { numberAt, recordAt, stringAt, type JsonRecord } from '../../meta/json.js';

export const eventColumns: readonly TableColumn[] = [
  column('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
  column('Type', 'Type of this event (Normal, Warning), new types could be added in the future.'),
  column('Reason', 'This should be a short, machine understandable string that gives the reason for this event being generated.'),
  column('Object', 'The object that this event is about.'),
  wide('Subobject', 'The subobject (container, etc.) this event is about, if any.'),
  wide('Source', 'The component reporting this event.'),
  column('Message', 'A human-readable description of the status of this operation.'),
  wide('First Seen', 'The time at which the event was first recorded.'),
  wide('Count', 'The number of times this event has occurred.'),
  column('Name', 'Name must be unique within a namespace.', { format: 'name', priority: 1 }),
];

/** The fields the printer reads, in core/v1 Event terms. */
export interface EventView {
  involvedObject: JsonRecord | undefined;
  reason: string;
  message: string;
  type: string;
  firstTimestamp: string | undefined;
  lastTimestamp: string | undefined;
  eventTime: string | undefined;
  count: number;
  series: JsonRecord | undefined;
  sourceComponent: string;
  sourceHost: string;
  reportingController: string;
  reportingInstance: string;
}

export function coreEventView(ev: KubeObject): EventView {
  const source = recordAt(ev, 'source');
  return {
    involvedObject: recordAt(ev, 'involvedObject'),
    reason: stringAt(ev, 'reason') ?? '', message: stringAt(ev, 'message') ?? '', type: stringAt(ev, 'type') ?? '',
    firstTimestamp: stringAt(ev, 'firstTimestamp'), lastTimestamp: stringAt(ev, 'lastTimestamp'), eventTime: stringAt(ev, 'eventTime'),
    count: numberAt(ev, 'count') ?? 0, series: recordAt(ev, 'series'),
    sourceComponent: stringAt(source, 'component') ?? '', sourceHost: stringAt(source, 'host') ?? '',
    reportingController: stringAt(ev, 'reportingComponent') ?? '', reportingInstance: stringAt(ev, 'reportingInstance') ?? '',
  };
}

export function eventRowFromView(name: string, v: EventView, ctx: StrategyContext): unknown[] {
  let first = ageOf(v.firstTimestamp, ctx.now);
  if (!v.firstTimestamp) first = ageOf(v.eventTime, ctx.now);
  let last = v.lastTimestamp ? ageOf(v.lastTimestamp, ctx.now) : first;
  let count = v.count;
  if (v.series) {
    last = ageOf(stringAt(v.series, 'lastObservedTime'), ctx.now);
    count = numberAt(v.series, 'count') ?? count;
  } else if (count === 0) {
    count = 1;
  }
  const kind = (stringAt(v.involvedObject, 'kind') ?? '').toLowerCase();
  const objName = stringAt(v.involvedObject, 'name') ?? '';
  const target = objName ? `${kind}/${objName}` : kind;
  const component = v.sourceComponent || v.reportingController;
  const instance = v.sourceHost || v.reportingInstance;
  const source = instance ? `${component}, ${instance}` : component;
  return [last, v.type, v.reason, target, stringAt(v.involvedObject, 'fieldPath') ?? '', source, v.message.trim(), first, count, name];
}

export function coreEventRow(ev: KubeObject, ctx: StrategyContext): unknown[] {
  return eventRowFromView(nameOf(ev), coreEventView(ev), ctx);
}
