/**
 * kubectl's JSONPath template language (k8s.io/client-go/util/jsonpath): text with `{...}`
 * actions — paths (`.a.b`, `['k']`, `[0]`, `[1:3]`, `[*]`, `..name`, `.*`, unions
 * `['a','b']`, filters `[?(@.x=="y")]`), `{range PATH}...{end}` and quoted literals
 * (`{"\n"}`). Results of one action are joined by spaces; strings print raw, collections
 * as compact JSON.
 */
import { toCompactGoJson, toGoJson } from './json.js';

type Segment =
  | { kind: 'field'; name: string }
  | { kind: 'recursive'; name: string }
  | { kind: 'wildcard' }
  | { kind: 'index'; start?: number; end?: number; step?: number; single: boolean }
  | { kind: 'keys'; names: string[] }
  | { kind: 'filter'; left: Segment[]; op?: string; right?: Literal | Segment[] };

type Literal = { literal: string | number | boolean | null };

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'path'; segments: Segment[] }
  | { kind: 'range'; segments: Segment[]; body: Node[] };

export class JsonPathError extends Error {}

/** Parses a template into nodes; throws JsonPathError on bad syntax. */
export function parseTemplate(template: string): Node[] {
  const root: Node[] = [];
  const stack: Array<{ body: Node[] }> = [{ body: root }];
  let i = 0;
  const current = (): Node[] => (stack[stack.length - 1] as { body: Node[] }).body;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) { current().push({ kind: 'text', text: template.slice(i) }); break; }
    if (open > i) current().push({ kind: 'text', text: template.slice(i, open) });
    const close = findClose(template, open);
    if (close < 0) throw new JsonPathError(`unclosed action`);
    const action = template.slice(open + 1, close).trim();
    i = close + 1;
    if (action === 'end') {
      if (stack.length === 1) throw new JsonPathError('not in range, nothing to end');
      stack.pop();
    } else if (/^range($|[\s.$@\[])/.test(action)) {
      const node: Node = { kind: 'range', segments: parsePath(action.slice(5).trim()), body: [] };
      current().push(node);
      stack.push(node);
    } else if (action.startsWith('"') || action.startsWith("'")) {
      current().push({ kind: 'text', text: unquote(action) });
    } else {
      current().push({ kind: 'path', segments: parsePath(action) });
    }
  }
  return root;
}

function findClose(s: string, open: number): number {
  let quote = '';
  for (let j = open + 1; j < s.length; j++) {
    const c = s[j];
    if (quote) {
      if (c === '\\') j++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return j;
  }
  return -1;
}

function unquote(text: string): string {
  const q = text[0];
  const body = text.slice(1, text.lastIndexOf(q ?? '"'));
  return body.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" }[c] ?? c));
}

/** Parses `.a.b[0]` (a leading `$` or `@` is allowed). */
export function parsePath(text: string): Segment[] {
  const segs: Segment[] = [];
  let i = 0;
  if (text[0] === '$' || text[0] === '@') i = 1;
  const readName = (): string => {
    let name = '';
    while (i < text.length && !'.[]{}() '.includes(text[i] ?? '')) {
      if (text[i] === '\\' && i + 1 < text.length) { name += text[i + 1]; i += 2; continue; }
      name += text[i];
      i++;
    }
    return name;
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      if (text[i + 1] === '.') {
        i += 2;
        segs.push({ kind: 'recursive', name: readName() });
        continue;
      }
      i++;
      if (text[i] === '*') { i++; segs.push({ kind: 'wildcard' }); continue; }
      const name = readName();
      if (name !== '') segs.push({ kind: 'field', name });
    } else if (c === '[') {
      const close = matchingBracket(text, i);
      const inner = text.slice(i + 1, close).trim();
      i = close + 1;
      segs.push(parseBracket(inner));
    } else if (c === ' ') {
      i++;
    } else {
      // A path without a leading dot (relaxed form, e.g. `metadata.name`).
      const name = readName();
      if (name === '') throw new JsonPathError(`unrecognized character in action: ${JSON.stringify(c)}`);
      segs.push({ kind: 'field', name });
    }
  }
  return segs;
}

function matchingBracket(s: string, open: number): number {
  let depth = 0;
  let quote = '';
  for (let j = open; j < s.length; j++) {
    const c = s[j];
    if (quote) { if (c === quote) quote = ''; continue; }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[') depth++;
    else if (c === ']') { depth--; if (depth === 0) return j; }
  }
  throw new JsonPathError('unterminated array');
}

function parseBracket(inner: string): Segment {
  if (inner === '*') return { kind: 'wildcard' };
  if (inner.startsWith('?(') && inner.endsWith(')')) return parseFilter(inner.slice(2, -1).trim());
  if (inner.startsWith("'") || inner.startsWith('"')) {
    const names = inner.split(/\s*,\s*/).map((p) => unquote(p.trim()));
    return { kind: 'keys', names };
  }
  if (/^-?\d*(:-?\d*){0,2}$/.test(inner)) {
    const parts = inner.split(':');
    const num = (p: string | undefined): number | undefined => (p === undefined || p === '' ? undefined : Number(p));
    if (parts.length === 1) return { kind: 'index', start: num(parts[0]), single: true };
    return { kind: 'index', start: num(parts[0]), end: num(parts[1]), step: num(parts[2]), single: false };
  }
  return { kind: 'keys', names: inner.split(',').map((s) => s.trim()) };
}

function parseFilter(expr: string): Segment {
  const m = /^(.*?)\s*(==|!=|<=|>=|<|>|=~)\s*(.*)$/.exec(expr);
  if (!m) return { kind: 'filter', left: parsePath(expr) };
  const [, left = '', op = '', right = ''] = m;
  return { kind: 'filter', left: parsePath(left), op, right: parseOperand(right) };
}

function parseOperand(text: string): Literal | Segment[] {
  const t = text.trim();
  if (t.startsWith('"') || t.startsWith("'")) return { literal: unquote(t) };
  if (t === 'true' || t === 'false') return { literal: t === 'true' };
  if (t === 'nil' || t === 'null') return { literal: null };
  if (/^-?\d+(\.\d+)?$/.test(t)) return { literal: Number(t) };
  return parsePath(t);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function step(values: unknown[], seg: Segment, allowMissing: boolean): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (seg.kind) {
      case 'field':
        if (isObject(v) && seg.name in v) out.push(v[seg.name]);
        else if (!allowMissing) throw new JsonPathError(`${seg.name} is not found`);
        break;
      case 'keys':
        if (isObject(v)) for (const n of seg.names) { if (n in v) out.push(v[n]); else if (!allowMissing) throw new JsonPathError(`${n} is not found`); }
        break;
      case 'wildcard':
        if (Array.isArray(v)) out.push(...v);
        else if (isObject(v)) for (const k of Object.keys(v).sort()) out.push(v[k]);
        break;
      case 'recursive':
        collectRecursive(v, seg.name, out);
        break;
      case 'index': {
        if (!Array.isArray(v)) break;
        const len = v.length;
        const norm = (n: number): number => (n < 0 ? n + len : n);
        if (seg.single) {
          const idx = norm(seg.start ?? 0);
          if (idx >= 0 && idx < len) out.push(v[idx]);
          else if (!allowMissing) throw new JsonPathError(`array index out of bounds: index ${seg.start ?? 0}, length ${len}`);
          break;
        }
        const start = Math.max(0, Math.min(len, norm(seg.start ?? 0)));
        const end = Math.max(0, Math.min(len, norm(seg.end ?? len)));
        const by = seg.step ?? 1;
        for (let j = start; j < end; j += by > 0 ? by : 1) out.push(v[j]);
        break;
      }
      case 'filter': {
        const items = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
        for (const item of items) if (matchesFilter(item, seg)) out.push(item);
        break;
      }
    }
  }
  return out;
}

function collectRecursive(v: unknown, name: string, out: unknown[]): void {
  if (isObject(v)) {
    if (name === '' || name === '*') out.push(v);
    else if (name in v) out.push(v[name]);
    for (const k of Object.keys(v).sort()) collectRecursive(v[k], name, out);
  } else if (Array.isArray(v)) {
    for (const item of v) collectRecursive(item, name, out);
  }
}

function matchesFilter(item: unknown, seg: Extract<Segment, { kind: 'filter' }>): boolean {
  const left = evaluate(seg.left, item, true);
  if (!seg.op) return left.length > 0;
  const rightValues = seg.right && 'literal' in seg.right ? [seg.right.literal] : evaluate(seg.right ?? [], item, true);
  const l = left[0], r = rightValues[0];
  if (left.length === 0) return false;
  switch (seg.op) {
    case '==': return l === r || (typeof l === 'number' && Number(r) === l);
    case '!=': return l !== r;
    case '<': return Number(l) < Number(r);
    case '>': return Number(l) > Number(r);
    case '<=': return Number(l) <= Number(r);
    case '>=': return Number(l) >= Number(r);
    case '=~': return typeof l === 'string' && new RegExp(String(r)).test(l);
    default: return false;
  }
}

/** Every value the path selects from `root`. */
export function evaluate(segments: Segment[], root: unknown, allowMissing = true): unknown[] {
  let values: unknown[] = [root];
  for (const seg of segments) values = step(values, seg, allowMissing);
  return values;
}

/** One value as the template prints it (strings raw, collections as JSON). */
export function valueText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return typeof v === 'undefined' ? '' : 'null';
  if (typeof v === 'object') return toCompactGoJson(v);
  return String(v);
}

interface RunOptions { allowMissing: boolean; asJson: boolean }

function run(nodes: Node[], data: unknown, opts: RunOptions, out: string[]): void {
  for (const node of nodes) {
    if (node.kind === 'text') out.push(node.text);
    else if (node.kind === 'path') {
      const values = evaluate(node.segments, data, opts.allowMissing);
      out.push(opts.asJson ? toGoJson(values) : values.map(valueText).join(' '));
    } else for (const item of evaluate(node.segments, data, opts.allowMissing)) run(node.body, item, opts, out);
  }
}

/**
 * Executes a template against `data` (missing keys print nothing unless disallowed).
 * `asJson` (-o jsonpath-as-json) prints each action's results as an indented JSON array.
 */
export function executeTemplate(template: string, data: unknown, options: { allowMissingKeys?: boolean; asJson?: boolean } = {}): string {
  const out: string[] = [];
  run(parseTemplate(template), data, { allowMissing: options.allowMissingKeys ?? true, asJson: options.asJson ?? false }, out);
  return out.join('');
}

/** kubectl's relaxed form for custom columns: `metadata.name` -> `{.metadata.name}`. */
export function relaxedExpression(expr: string): string {
  const m = /^\{?(.*?)\}?$/.exec(expr.trim());
  let body = m?.[1] ?? expr;
  if (!body.startsWith('.') && !body.startsWith('$') && !body.startsWith('@')) body = `.${body}`;
  return `{${body}}`;
}
