/**
 * `-o custom-columns=HEADER:PATH,...`: one column per spec, each cell the values the
 * (relaxed) JSONPath selects, joined by commas, `<none>` when nothing matched.
 */
import { evaluate, parseTemplate, relaxedExpression, JsonPathError } from './jsonpath.js';
import { formatColumns } from './tabwriter.js';

export interface ColumnSpec { header: string; path: string }

export function parseCustomColumns(spec: string): ColumnSpec[] {
  if (spec.trim() === '') throw new Error('custom-columns format specified but no custom columns given');
  return spec.split(',').map((part) => {
    const idx = part.indexOf(':');
    if (idx < 0) throw new Error(`unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`);
    return { header: part.slice(0, idx), path: part.slice(idx + 1) };
  });
}

/** Go's %v of a decoded JSON value, as kubectl prints non-string cells. */
export function goValueText(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(goValueText).join(' ')}]`;
  if (typeof v === 'object') {
    const m = v as Record<string, unknown>;
    return `map[${Object.keys(m).sort().map((k) => `${k}:${goValueText(m[k])}`).join(' ')}]`;
  }
  return String(v);
}

export function customColumnCells(columns: ColumnSpec[], objects: unknown[], noHeaders: boolean): string[][] {
  const parsed = columns.map((c) => {
    const nodes = parseTemplate(relaxedExpression(c.path));
    const first = nodes[0];
    if (nodes.length !== 1 || !first || first.kind !== 'path') throw new JsonPathError(`unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'`);
    return first.segments;
  });
  const rows: string[][] = noHeaders ? [] : [columns.map((c) => c.header)];
  for (const obj of objects) {
    rows.push(parsed.map((segs) => {
      const values = evaluate(segs, obj, true);
      return values.length === 0 ? '<none>' : values.map(goValueText).join(',');
    }));
  }
  return rows;
}

export function printCustomColumns(spec: string, objects: unknown[], noHeaders = false): string {
  return formatColumns(customColumnCells(parseCustomColumns(spec), objects, noHeaders));
}
