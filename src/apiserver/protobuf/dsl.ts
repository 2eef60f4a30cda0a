/**
 * A compact notation for Kubernetes protobuf messages, and its translation into protobufjs
 * descriptors plus the facts needed to rebuild the JSON that Go would have marshalled.
 *
 * A table maps a message name to its fields, written `name=ID:TYPE[FLAGS]` and separated by
 * spaces (an array of strings is joined first, so long messages can wrap); `protoName/jsonName`
 * instead of `name` where the two differ (rare: `uID/uid`):
 * - TYPE is a scalar (string, int32, int64, bool, bytes, double, float), a message of the same
 *   package (`PodSpec`) or of another one (`meta.ObjectMeta`), `[]T` for a repeated field or
 *   `{T}` for a map with string keys.
 * - FLAGS say how Go's encoding/json treats the field, which the wire cannot tell:
 *   `*` a pointer (written only when set, so present means emit, even when zero);
 *   `!` no omitempty (emitted even when zero); `^` embedded with `json:",inline"`, so the
 *   nested message's fields belong to the parent object. No flag: omitempty.
 * Go writes every non-pointer field to the wire, so for scalars "present" is not "set":
 * zero values of omitempty scalars are dropped again, as Go's JSON encoder would.
 */
import type { INamespace, IType } from 'protobufjs';

export type MessageTable = Readonly<Record<string, string | readonly string[]>>;

export type Emit = 'omitempty' | 'always' | 'pointer' | 'inline';

export interface FieldInfo {
  /** Proto field name (the property protobufjs decodes into). */
  readonly name: string;
  /** Go JSON name; the proto name almost always. */
  readonly jsonName: string;
  readonly id: number;
  readonly container: 'single' | 'list' | 'map';
  /** A scalar name, or a message's qualified name (`core.PodSpec`). */
  readonly type: string;
  readonly emit: Emit;
}

export interface MessageInfo {
  /** Qualified name: `package.Message`. */
  readonly fullName: string;
  readonly fields: readonly FieldInfo[];
}

const scalars = new Set(['string', 'int32', 'int64', 'bool', 'bytes', 'double', 'float']);

export function isScalar(type: string): boolean {
  return scalars.has(type);
}

const fieldPattern = /^(\w+)(?:\/(\w+))?=(\d+):(\[\]|\{)?([\w.]+)(\})?([*!^]?)$/;
const emitByFlag: Record<string, Emit> = { '': 'omitempty', '*': 'pointer', '!': 'always', '^': 'inline' };

/** Parses one package's table; throws on a malformed entry (a bug in our tables, not input). */
export function parseTable(pkg: string, table: MessageTable): MessageInfo[] {
  return Object.entries(table).map(([message, spec]) => {
    const text = typeof spec === 'string' ? spec : spec.join(' ');
    const fields = text.split(/\s+/).filter((token) => token !== '').map((token) => {
      const m = fieldPattern.exec(token);
      if (!m || (m[4] === '{') !== (m[6] === '}')) throw new Error(`protobuf table ${pkg}.${message}: bad field "${token}"`);
      const [, name = '', jsonName = name, id = '', open, type = '', , flag = ''] = m;
      const container = open === '[]' ? 'list' : open === '{' ? 'map' : 'single';
      const qualified = isScalar(type) || type.includes('.') ? type : `${pkg}.${type}`;
      return { name, jsonName, id: Number(id), container, type: qualified, emit: emitByFlag[flag] ?? 'omitempty' } satisfies FieldInfo;
    });
    return { fullName: `${pkg}.${message}`, fields };
  });
}

/** protobufjs JSON descriptors (one namespace per package) for the given messages. */
export function toDescriptor(messages: readonly MessageInfo[]): INamespace {
  const packages: Record<string, Record<string, IType>> = {};
  for (const message of messages) {
    const [pkg = '', name = ''] = message.fullName.split('.');
    const fields: IType['fields'] = {};
    for (const field of message.fields) {
      const type = isScalar(field.type) ? field.type : `.${field.type}`;
      if (field.container === 'map') fields[field.name] = { id: field.id, type, keyType: 'string' } as IType['fields'][string];
      else fields[field.name] = field.container === 'list' ? { id: field.id, type, rule: 'repeated' } : { id: field.id, type };
    }
    (packages[pkg] ??= {})[name] = { fields };
  }
  const nested: NonNullable<INamespace['nested']> = {};
  for (const [pkg, types] of Object.entries(packages)) nested[pkg] = { nested: types };
  return { nested };
}
