/**
 * Kubernetes label selectors: the string form kubectl sends (`?labelSelector=`), parsed with
 * the grammar of upstream's labels.Parse, and the metav1.LabelSelector object form
 * (matchLabels / matchExpressions) that workloads carry. Field selectors live in
 * selectors-fields.ts.
 *
 * Parse failures are values ({ ok: false, error }) with a message the API server returns
 * as a 400 BadRequest.
 */
import { labelValueErrors, qualifiedNameErrors } from './selectors-validation.js';

export type { FieldSelector, FieldRequirement, FieldOperator } from './selectors-fields.js';
export { parseFieldSelector, everythingFields } from './selectors-fields.js';

/** `=`, `==` and `in` need the label with one of the values; `!=`/`notin` are also true when it is absent. */
export type LabelOperator = '=' | '==' | '!=' | 'in' | 'notin' | 'exists' | '!' | '>' | '<';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted, without duplicates. Empty for `exists` and `!`. */
  readonly values: readonly string[];
}

export type Labels = Readonly<Record<string, string>> | undefined;

export interface LabelSelector {
  /** Sorted by key. Empty for a selector that matches everything. */
  readonly requirements: readonly LabelRequirement[];
  /** True only for the selector of a nil metav1.LabelSelector, which selects nothing. */
  readonly matchesNothing: boolean;
  matches(labels: Labels): boolean;
  /** The canonical string form (requirements sorted by key), as upstream prints it. */
  toString(): string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** metav1.LabelSelector as it appears in objects. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: ReadonlyArray<{ key: string; operator: string; values?: readonly string[] | null }> | null;
}

class RequirementsSelector implements LabelSelector {
  constructor(readonly requirements: readonly LabelRequirement[], readonly matchesNothing = false) {}

  matches(labels: Labels): boolean {
    if (this.matchesNothing) return false;
    return this.requirements.every((r) => requirementMatches(r, labels ?? {}));
  }

  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

export const everythingLabels: LabelSelector = new RequirementsSelector([]);
export const nothingLabels: LabelSelector = new RequirementsSelector([], true);

/** Parses `a=b,c!=d,e in (f,g),!h,i` as labels.Parse does. The empty string selects everything. */
export function parseLabelSelector(text: string): Parsed<LabelSelector> {
  const tokens = tokenize(text);
  const requirements: LabelRequirement[] = [];
  const parser = new Parser(tokens);
  for (;;) {
    const next = parser.peek(true);
    if (next.kind === 'end') break;
    if (next.kind !== 'ident' && next.kind !== '!') {
      return fail(`found '${next.text}', expected: !, identifier, or 'end of string'`);
    }
    const parsed = parser.requirement();
    if (!parsed.ok) return fail(`unable to parse requirement: ${parsed.error}`);
    requirements.push(parsed.value);
    const after = parser.take(true);
    if (after.kind === 'end') break;
    if (after.kind !== ',') return fail(`found '${after.text}', expected: ',' or 'end of string'`);
    const following = parser.peek(true);
    if (following.kind !== 'ident' && following.kind !== '!') {
      return fail(`found '${following.text}', expected: identifier after ','`);
    }
  }
  return { ok: true, value: new RequirementsSelector(sortByKey(requirements)) };
}

/** A selector requiring every label of the set (kubectl's `-l a=b` of a Service's spec.selector). */
export function labelSelectorFromSet(labels: Readonly<Record<string, string>>): LabelSelector {
  const requirements = Object.entries(labels).map(([key, value]): LabelRequirement => ({ key, operator: '=', values: [value] }));
  return new RequirementsSelector(sortByKey(requirements));
}

/** metav1.LabelSelectorAsSelector: nil selects nothing, an empty selector everything. */
export function labelSelectorFromObject(selector: LabelSelectorObject | null | undefined): Parsed<LabelSelector> {
  if (selector === null || selector === undefined) return { ok: true, value: nothingLabels };
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    const made = makeRequirement(key, '=', [value]);
    if (!made.ok) return made;
    requirements.push(made.value);
  }
  for (const expression of selector.matchExpressions ?? []) {
    const operator = objectOperators[expression.operator];
    if (operator === undefined) return fail(`"${expression.operator}" is not a valid label selector operator`);
    const made = makeRequirement(expression.key, operator, [...(expression.values ?? [])]);
    if (!made.ok) return made;
    requirements.push(made.value);
  }
  return { ok: true, value: new RequirementsSelector(sortByKey(requirements)) };
}

const objectOperators: Record<string, LabelOperator | undefined> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

function requirementMatches(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=': case '==': case 'in':
      return value !== undefined && r.values.includes(value);
    case '!=': case 'notin':
      return value === undefined || !r.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case '>': case '<': {
      if (value === undefined || !isInt64(value)) return false;
      const actual = BigInt(value);
      const bound = BigInt(r.values[0] ?? '0');
      return r.operator === '>' ? actual > bound : actual < bound;
    }
  }
}

function requirementString(r: LabelRequirement): string {
  switch (r.operator) {
    case 'exists': return r.key;
    case '!': return `!${r.key}`;
    case 'in': case 'notin': return `${r.key} ${r.operator} (${r.values.join(',')})`;
    default: return `${r.key}${r.operator}${r.values[0] ?? ''}`;
  }
}

/** upstream's NewRequirement: the key, the number of values per operator, and every value. */
function makeRequirement(key: string, operator: LabelOperator, values: string[]): Parsed<LabelRequirement> {
  const keyErrors = qualifiedNameErrors(key);
  if (keyErrors.length > 0) return fail(`key: Invalid value: "${key}": ${keyErrors.join('; ')}`);
  const problems: string[] = [];
  switch (operator) {
    case 'in': case 'notin':
      if (values.length === 0) problems.push("for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=': case '==': case '!=':
      if (values.length !== 1) problems.push('exact-match compatibility requires one single value');
      break;
    case 'exists': case '!':
      if (values.length !== 0) problems.push('values set must be empty for exists and does not exist');
      break;
    case '>': case '<':
      if (values.length !== 1) problems.push("for '>', '<' operators, exactly one value is required");
      if (values.some((v) => !isInt64(v))) problems.push("for '>', '<' operators, the value must be an integer");
      break;
  }
  for (const value of values) {
    const errors = labelValueErrors(value);
    if (errors.length > 0) problems.push(`values[${key}]: Invalid value: "${value}": ${errors.join('; ')}`);
  }
  if (problems.length > 0) return fail(problems.join(', '));
  return { ok: true, value: { key, operator, values: [...new Set(values)].sort() } };
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;
function isInt64(text: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(text)) return false;
  const n = BigInt(text);
  return n >= int64Min && n <= int64Max;
}

function sortByKey(requirements: LabelRequirement[]): LabelRequirement[] {
  // Stable, so requirements on one key keep the order they were written in.
  return requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

// ---- tokens and the recursive-descent parser of the string form ----

type TokenKind = 'ident' | 'in' | 'notin' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'end';
interface Token { readonly kind: TokenKind; readonly text: string }

const specialCharacters = new Set(['=', '!', '(', ')', ',', '>', '<']);
const whitespace = new Set([' ', '\t', '\r', '\n']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (whitespace.has(ch)) { i++; continue; }
    if (specialCharacters.has(ch)) {
      const two = text.slice(i, i + 2);
      if (two === '==' || two === '!=') { tokens.push({ kind: two, text: two }); i += 2; continue; }
      tokens.push({ kind: ch as TokenKind, text: ch });
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && !specialCharacters.has(text[end] as string) && !whitespace.has(text[end] as string)) end++;
    const word = text.slice(i, end);
    tokens.push({ kind: word === 'in' || word === 'notin' ? word : 'ident', text: word });
    i = end;
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

class Parser {
  private position = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  /** In value position `in` and `notin` are plain identifiers (`a in (in)`). */
  peek(asValue: boolean): Token {
    return this.asContext(this.tokens[this.position] ?? { kind: 'end', text: '' }, asValue);
  }

  take(asValue: boolean): Token {
    const token = this.peek(asValue);
    if (this.position < this.tokens.length - 1) this.position++;
    return token;
  }

  requirement(): Parsed<LabelRequirement> {
    let first = this.take(true);
    const negated = first.kind === '!';
    if (negated) first = this.take(true);
    if (first.kind !== 'ident') return fail(`found '${first.text}', expected: identifier`);
    const key = first.text;
    const keyErrors = qualifiedNameErrors(key);
    if (keyErrors.length > 0) return fail(`key: Invalid value: "${key}": ${keyErrors.join('; ')}`);
    const next = this.peek(true);
    if (next.kind === 'end' || next.kind === ',') return makeRequirement(key, negated ? '!' : 'exists', []);
    if (negated) return fail(`found '${next.text}', expected: ',' or 'end of string' after !${key}`);
    const op = this.take(false);
    switch (op.kind) {
      case 'in': case 'notin': {
        const values = this.valueSet();
        return values.ok ? makeRequirement(key, op.kind, values.value) : values;
      }
      case '=': case '==': case '!=': case '>': case '<': {
        const value = this.exactValue();
        return value.ok ? makeRequirement(key, op.kind, [value.value]) : value;
      }
      default:
        return fail(`found '${op.text}', expected: '=', '!=', '==', 'in', 'notin', '>' or '<'`);
    }
  }

  /** `(a,b)`; empty members are the empty value: `()` is [""] and `(a,)` is ["a", ""]. */
  private valueSet(): Parsed<string[]> {
    const open = this.take(true);
    if (open.kind !== '(') return fail(`found '${open.text}', expected: '('`);
    const values: string[] = [];
    let expectValue = true;
    for (;;) {
      const token = this.take(true);
      if (token.kind === 'ident' && expectValue) { values.push(token.text); expectValue = false; continue; }
      if (token.kind === ',') { if (expectValue) values.push(''); expectValue = true; continue; }
      if (token.kind === ')') { if (expectValue) values.push(''); return { ok: true, value: values }; }
      return fail(`found '${token.text}', expected: ',', ')' or identifier`);
    }
  }

  /** The single value after `=`, `==`, `!=`, `>` or `<`; nothing before `,` or the end is "". */
  private exactValue(): Parsed<string> {
    const next = this.peek(true);
    if (next.kind === 'end' || next.kind === ',') return { ok: true, value: '' };
    const token = this.take(true);
    if (token.kind === 'ident') return { ok: true, value: token.text };
    return fail(`found '${token.text}', expected: identifier`);
  }

  private asContext(token: Token, asValue: boolean): Token {
    return asValue && (token.kind === 'in' || token.kind === 'notin') ? { kind: 'ident', text: token.text } : token;
  }
}
