/**
 * Turns a decoded protobufjs message into the JSON Go's encoding/json would have produced from
 * the same Go struct: Go JSON names, omitempty, pointers, inline embedding, base64 for []byte,
 * sorted map keys and the custom encodings of well-known types.
 */
import type { FieldInfo, MessageInfo } from './dsl.js';
import { isScalar } from './dsl.js';
import { specialJson, toNumber } from './well-known.js';

type Decoded = Record<string, unknown>;
export type JsonObject = Record<string, unknown>;

function isDecoded(value: unknown): value is Decoded {
  return value !== null && typeof value === 'object';
}

function scalarJson(type: string, value: unknown): unknown {
  switch (type) {
    case 'int64':
      return toNumber(value);
    case 'bytes':
      return value instanceof Uint8Array ? Buffer.from(value).toString('base64') : '';
    default:
      return value;
  }
}

function isZeroScalar(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

export class JsonConverter {
  constructor(private readonly messages: ReadonlyMap<string, MessageInfo>) {}

  /** The JSON of one message of the named type (`core.Pod`). */
  message(typeName: string, decoded: Decoded): unknown {
    const special = specialJson(typeName);
    if (special) return special(decoded);
    const info = this.messages.get(typeName);
    if (!info) throw new Error(`protobuf: no table for message ${typeName}`);
    const out: JsonObject = {};
    for (const field of info.fields) this.field(field, decoded, out);
    return out;
  }

  private value(field: FieldInfo, value: unknown): unknown {
    if (isScalar(field.type)) return scalarJson(field.type, value);
    if (!isDecoded(value)) throw new Error(`protobuf: ${field.name} is not a ${field.type} message`);
    return this.message(field.type, value);
  }

  private field(field: FieldInfo, decoded: Decoded, out: JsonObject): void {
    const raw = decoded[field.name];
    if (field.container === 'list') {
      // An empty list is not on the wire at all; Go decodes it as nil, which omitempty drops
      // (without omitempty Go would print null: we leave the field out, which means the same).
      if (Array.isArray(raw) && raw.length > 0) out[field.jsonName] = raw.map((item) => this.value(field, item));
      return;
    }
    if (field.container === 'map') {
      if (!isDecoded(raw)) return;
      const keys = Object.keys(raw).sort();
      if (keys.length === 0) return;
      const map: JsonObject = {};
      for (const key of keys) map[key] = this.value(field, raw[key]);
      out[field.jsonName] = map;
      return;
    }
    // Singular fields: only what was on the wire is an own property of the decoded message.
    if (!Object.prototype.hasOwnProperty.call(decoded, field.name)) return;
    const json = this.value(field, raw);
    if (field.emit === 'inline') {
      if (isDecoded(json)) Object.assign(out, json);
      return;
    }
    // Non-pointer structs are always marshalled by Go (omitempty never drops a struct).
    if (isScalar(field.type) && field.emit === 'omitempty' && isZeroScalar(json)) return;
    out[field.jsonName] = json;
  }
}
