/**
 * Messages whose Go types marshal to JSON in their own way (metav1.Time, resource.Quantity,
 * intstr.IntOrString, metav1.FieldsV1, the ExtraValue string lists), and the runtime.Unknown envelope. Their wire layout is
 * in the tables below; `specialJson` turns a decoded one into the JSON value Go would write.
 */
import protobuf from 'protobufjs';
import type { MessageTable } from './dsl.js';

export const wellKnownTables: Readonly<Record<string, MessageTable>> = {
  meta: {
    Time: 'seconds=1:int64 nanos=2:int32',
    MicroTime: 'seconds=1:int64 nanos=2:int32',
    FieldsV1: 'Raw=1:bytes',
  },
  resource: { Quantity: 'string=1:string' },
  // `type ExtraValue []string`: a message on the wire, a bare list in JSON.
  authorization: { ExtraValue: 'items=1:[]string' },
  authentication: { ExtraValue: 'items=1:[]string' },
  intstr: { IntOrString: 'type=1:int64 intVal=2:int32 strVal=3:string' },
  runtime: {
    TypeMeta: 'apiVersion=1:string kind=2:string',
    Unknown: 'typeMeta=1:TypeMeta raw=2:bytes contentEncoding=3:string contentType=4:string',
  },
};

type Decoded = Record<string, unknown>;

/** A protobufjs int64 (Long, number or string) as a JS number. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (value !== null && typeof value === 'object') return protobuf.util.LongBits.from(value as protobuf.Long).toNumber();
  return 0;
}

function seconds(message: Decoded): number {
  return toNumber(message['seconds']);
}

function nanos(message: Decoded): number {
  return toNumber(message['nanos']);
}

/** Go's zero time marshals as an empty message; its JSON is null. */
function timeJson(message: Decoded, fractionDigits: 0 | 6): string | null {
  if (seconds(message) === 0 && nanos(message) === 0) return null;
  const iso = new Date(seconds(message) * 1000).toISOString().slice(0, 19);
  if (fractionDigits === 0) return `${iso}Z`;
  const micros = Math.floor(nanos(message) / 1000).toString().padStart(6, '0');
  return `${iso}.${micros}Z`;
}

function intOrStringJson(message: Decoded): number | string {
  return toNumber(message['type']) === 1 ? String(message['strVal'] ?? '') : toNumber(message['intVal']);
}

function fieldsV1Json(message: Decoded): unknown {
  const raw = message['Raw'];
  if (!(raw instanceof Uint8Array) || raw.length === 0) return {};
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch (err: unknown) {
    throw new Error('metadata.managedFields: fieldsV1 is not JSON', { cause: err });
  }
}

function stringListJson(message: Decoded): string[] {
  const items = message['items'];
  return Array.isArray(items) ? items.map(String) : [];
}

const converters: Readonly<Record<string, (message: Decoded) => unknown>> = {
  'authorization.ExtraValue': stringListJson,
  'authentication.ExtraValue': stringListJson,
  'meta.Time': (m) => timeJson(m, 0),
  'meta.MicroTime': (m) => timeJson(m, 6),
  'meta.FieldsV1': fieldsV1Json,
  // Go's zero Quantity prints as "0".
  'resource.Quantity': (m) => (typeof m['string'] === 'string' && m['string'] !== '' ? m['string'] : '0'),
  'intstr.IntOrString': intOrStringJson,
};

/** The JSON of a message with a custom Go encoding, or undefined when the type is ordinary. */
export function specialJson(typeName: string): ((message: Decoded) => unknown) | undefined {
  return converters[typeName];
}
