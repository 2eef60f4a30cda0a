/**
 * Private stand-in for src/machinery/selectors.ts (label and field selectors), used until
 * the store engineer's version lands. Throws Error with a readable message on bad syntax.
 */
export type LabelMatcher = (labels: Readonly<Record<string, string>>) => boolean;
export type FieldMatcher = (fields: Readonly<Record<string, string>>) => boolean;

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { out.push(cur); cur = ''; continue; }
    cur += ch;
  }
  if (cur.trim() !== '') out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p !== '');
}

export function parseLabelSelector(text: string): LabelMatcher {
  const tests: LabelMatcher[] = [];
  for (const term of splitTopLevel(text)) {
    let m: RegExpMatchArray | null;
    if ((m = term.match(/^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      const [, key, op, list] = m as unknown as [string, string, string, string];
      const values = new Set(list.split(',').map((v) => v.trim()));
      tests.push(op === 'in' ? (l) => l[key] !== undefined && values.has(l[key] as string) : (l) => l[key] === undefined || !values.has(l[key] as string));
    } else if ((m = term.match(/^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      tests.push(op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value);
    } else if ((m = term.match(/^!\s*([\w./-]+)$/))) {
      const key = m[1] as string;
      tests.push((l) => l[key] === undefined);
    } else if ((m = term.match(/^([\w./-]+)$/))) {
      const key = m[1] as string;
      tests.push((l) => l[key] !== undefined);
    } else {
      throw new Error(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }
  return (labels) => tests.every((t) => t(labels));
}

export function parseFieldSelector(text: string): { matches: FieldMatcher; fields: string[] } {
  const tests: FieldMatcher[] = [];
  const fields: string[] = [];
  for (const term of text.split(',').map((t) => t.trim()).filter((t) => t !== '')) {
    const m = term.match(/^([^=!]+?)\s*(==|=|!=)\s*(.*)$/);
    if (!m) throw new Error(`invalid selector: '${term}'; can't understand '${term}'`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    fields.push(field);
    tests.push(op === '!=' ? (f) => (f[field] ?? '') !== value : (f) => (f[field] ?? '') === value);
  }
  return { matches: (f) => tests.every((t) => t(f)), fields };
}
