/**
 * Word processing for Dockerfile arguments, as BuildKit's shell lexer does it: quote
 * removal, the escape character, and variable substitution ($V, ${V}, ${V:-default},
 * ${V-default}, ${V:+alt}, ${V+alt}, ${V:?message}, ${V?message}).
 *
 * Lookup returns undefined for an unset variable; '' is set-but-empty (the `:` forms treat
 * both as "unset").
 */
export type VariableLookup = (name: string) => string | undefined;

export class SubstitutionError extends Error {}

export interface LexOptions {
  /** The escape character, `\` or a backtick (parser directive). */
  readonly escape: string;
  /** Expand variables (false for quoted heredocs). */
  readonly expand?: boolean;
}

/** Processes one word: expands variables and removes quotes. Whitespace is kept. */
export function processWord(input: string, lookup: VariableLookup, options: LexOptions): string {
  const words = lex(input, lookup, options, false);
  return words.join('');
}

/**
 * Splits into words on unquoted whitespace, expanding variables and removing quotes. A
 * variable's value is not re-split (Docker does not split expanded values for ENV-like
 * instructions).
 */
export function processWords(input: string, lookup: VariableLookup, options: LexOptions): string[] {
  return lex(input, lookup, options, true);
}

/** Only expands variables (quotes and escapes stay), for text handed to a shell later. */
export function expandOnly(input: string, lookup: VariableLookup, options: LexOptions): string {
  let out = '';
  let i = 0;
  let inSingle = false;
  while (i < input.length) {
    const ch = input[i]!;
    if (ch === options.escape && i + 1 < input.length && !inSingle) { out += ch + input[i + 1]!; i += 2; continue; }
    if (ch === "'") inSingle = !inSingle;
    if (ch === '$' && !inSingle) {
      const [value, next] = readVariable(input, i, lookup, options);
      out += value; i = next; continue;
    }
    out += ch; i++;
  }
  return out;
}

function lex(input: string, lookup: VariableLookup, options: LexOptions, split: boolean): string[] {
  const expand = options.expand !== false;
  const esc = options.escape;
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const flush = (): void => { if (inWord) words.push(word); word = ''; inWord = false; };
  while (i < input.length) {
    const ch = input[i]!;
    if (split && /\s/.test(ch)) { flush(); i++; continue; }
    inWord = true;
    if (ch === esc) {
      if (i + 1 < input.length) { word += input[i + 1]!; i += 2; } else { word += ch; i++; }
      continue;
    }
    if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end < 0) throw new SubstitutionError(`unexpected end of statement while looking for matching single-quote`);
      word += input.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      i++;
      let closed = false;
      while (i < input.length) {
        const c = input[i]!;
        if (c === '"') { closed = true; i++; break; }
        if (c === esc && i + 1 < input.length) {
          const n = input[i + 1]!;
          // Inside double quotes the escape only protects ", $ and itself.
          if (n === '"' || n === '$' || n === esc) { word += n; i += 2; continue; }
          word += c; i++; continue;
        }
        if (c === '$' && expand) { const [v, next] = readVariable(input, i, lookup, options); word += v; i = next; continue; }
        word += c; i++;
      }
      if (!closed) throw new SubstitutionError(`unexpected end of statement while looking for matching double-quote`);
      continue;
    }
    if (ch === '$' && expand) {
      const [v, next] = readVariable(input, i, lookup, options);
      word += v; i = next;
      continue;
    }
    word += ch; i++;
  }
  flush();
  return words;
}

/** Reads `$NAME` or `${...}` at input[start] === '$'; returns the value and the index after it. */
function readVariable(input: string, start: number, lookup: VariableLookup, options: LexOptions): [string, number] {
  const next = input[start + 1];
  if (next === '{') {
    const close = findClosingBrace(input, start + 2);
    if (close < 0) throw new SubstitutionError(`missing '}' in ${input.slice(start)}`);
    const body = input.slice(start + 2, close);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(body);
    if (!m) throw new SubstitutionError(`bad substitution: \${${body}}`);
    const name = m[1]!;
    const op = m[2];
    const word = m[3] ?? '';
    const value = lookup(name);
    const unset = op?.startsWith(':') ? value === undefined || value === '' : value === undefined;
    const expandWord = (): string => processWord(word, lookup, options);
    switch (op) {
      case undefined: return [value ?? '', close + 1];
      case '-': case ':-': return [unset ? expandWord() : value!, close + 1];
      case '+': case ':+': return [unset ? '' : expandWord(), close + 1];
      case '?': case ':?':
        if (unset) throw new SubstitutionError(`${name}: ${word === '' ? 'is not allowed to be unset' : expandWord()}`);
        return [value!, close + 1];
      default: throw new SubstitutionError(`bad substitution: \${${body}}`);
    }
  }
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(input.slice(start + 1));
  if (!m) return ['$', start + 1]; // a lone $ stays literal
  return [lookup(m[0]) ?? '', start + 1 + m[0].length];
}

function findClosingBrace(input: string, from: number): number {
  let depth = 1;
  for (let i = from; i < input.length; i++) {
    const c = input[i];
    if (c === '{') depth++;
    else if (c === '}') { depth--; if (depth === 0) return i; }
  }
  return -1;
}
