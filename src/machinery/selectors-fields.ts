/**
 * Field selectors (`?fieldSelector=metadata.name=x,status.phase!=Running`), with the grammar
 * of upstream's fields.ParseSelector: comma-joined terms `field=value`, `field==value` or
 * `field!=value`; a backslash escapes `\`, `,` and `=` inside values. Which fields a resource
 * supports is the caller's business: it checks `requirements` and supplies the values of
 * those fields for each object to `matches`.
 */
import type { Parsed } from './selectors.js';

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

export interface FieldSelector {
  /** Sorted by their text; empty for a selector that matches everything. */
  readonly requirements: readonly FieldRequirement[];
  /** Fields absent from `fields` read as "" (so `spec.nodeName=` selects unscheduled pods). */
  matches(fields: Readonly<Record<string, string>>): boolean;
  /** The value `field` must equal, when a term pins it (lets a server narrow a list by name or namespace). */
  requiresExactMatch(field: string): string | undefined;
  toString(): string;
}

class TermsSelector implements FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[]) {}

  matches(fields: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((r) => {
      const actual = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field] ?? '' : '';
      return r.operator === '!=' ? actual !== r.value : actual === r.value;
    });
  }

  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeValue(r.value)}`).join(',');
  }
}

export const everythingFields: FieldSelector = new TermsSelector([]);

// Longer operators first, so `a!=b` is not read as `a!` = `b`.
const operators: readonly FieldOperator[] = ['!=', '==', '='];

export function parseFieldSelector(text: string): Parsed<FieldSelector> {
  const requirements: FieldRequirement[] = [];
  for (const term of splitUnescaped(text, ',').sort()) {
    if (term === '') continue;
    const split = splitTerm(term);
    if (!split) return { ok: false, error: `invalid selector: '${text}'; can't understand '${term}'` };
    const value = unescapeValue(split.rawValue);
    if (!value.ok) return value;
    requirements.push({ field: split.field, operator: split.operator, value: value.value });
  }
  return { ok: true, value: new TermsSelector(requirements) };
}

/** Splits on `separator` where it is not preceded by an escaping backslash. */
function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') { i++; continue; }
    if (text[i] === separator) { parts.push(text.slice(start, i)); start = i + 1; }
  }
  parts.push(text.slice(start));
  return parts;
}

function splitTerm(term: string): { field: string; operator: FieldOperator; rawValue: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    if (term[i] === '\\') { i++; continue; }
    for (const operator of operators) {
      if (term.startsWith(operator, i)) return { field: term.slice(0, i), operator, rawValue: term.slice(i + operator.length) };
    }
  }
  return undefined;
}

function unescapeValue(raw: string): Parsed<string> {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i] as string;
    if (ch === '\\') {
      const next = raw[i + 1];
      if (next !== '\\' && next !== ',' && next !== '=') return { ok: false, error: `invalid field selector value '${raw}': invalid escape sequence '\\${next ?? ''}'` };
      out += next;
      i++;
      continue;
    }
    if (ch === ',' || ch === '=') return { ok: false, error: `invalid field selector value '${raw}': '${ch}' must be escaped as '\\${ch}'` };
    out += ch;
  }
  return { ok: true, value: out };
}

function escapeValue(value: string): string {
  return value.replace(/[\\,=]/g, (ch) => `\\${ch}`);
}
