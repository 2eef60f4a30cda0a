/**
 * JSON as kubectl prints it (`-o json`): Go's json.MarshalIndent with 4 spaces over
 * unstructured maps, so keys are sorted bytewise and <, >, & are escaped as \u003c etc.
 */

function goString(s: string): string {
  return JSON.stringify(s)
    .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function byteOrder(a: string, b: string): number {
  const ab = Buffer.from(a), bb = Buffer.from(b);
  return Buffer.compare(ab, bb);
}

function encode(v: unknown, indent: string, step: string): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const inner = indent + step;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + encode(x, inner, step)).join(',\n')}\n${indent}]`;
  }
  if (typeof v === 'object') {
    const m = v as Record<string, unknown>;
    const keys = Object.keys(m).filter((k) => m[k] !== undefined).sort(byteOrder);
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${inner}${goString(k)}: ${encode(m[k], inner, step)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(String(v));
}

/** Indented JSON ending in a newline, as `kubectl get -o json`. */
export function toGoJson(value: unknown): string {
  return `${encode(value, '', '    ')}\n`;
}

/** Compact JSON with sorted keys (Go's json.Marshal of a map), without a newline. */
export function toCompactGoJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return encode(value, '', '');
  if (Array.isArray(value)) return `[${value.map((x) => toCompactGoJson(x)).join(',')}]`;
  const m = value as Record<string, unknown>;
  const keys = Object.keys(m).filter((k) => m[k] !== undefined).sort(byteOrder);
  return `{${keys.map((k) => `${goString(k)}:${toCompactGoJson(m[k])}`).join(',')}}`;
}

/**
 * Like toGoJson, but the top-level keys in the given order (a Go struct such as metav1.List
 * marshals its fields in declaration order, while nested maps stay sorted).
 */
export function toGoJsonTopOrder(value: Record<string, unknown>, order: readonly string[]): string {
  const keys = [...order.filter((k) => value[k] !== undefined), ...Object.keys(value).filter((k) => !order.includes(k) && value[k] !== undefined).sort(byteOrder)];
  if (keys.length === 0) return '{}\n';
  return `{\n${keys.map((k) => `    ${goString(k)}: ${encode(value[k], '    ', '    ')}`).join(',\n')}\n}\n`;
}
