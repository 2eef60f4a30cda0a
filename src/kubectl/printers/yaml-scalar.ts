/**
 * Scalar styling as kubectl's YAML output has it (sigs.k8s.io/yaml over go-yaml v2, which
 * follows libyaml's emitter): plain when the text would read back as the same string,
 * double quotes when it would read back as another type (`"true"`, `"80"`, timestamps),
 * single quotes when indicators forbid plain, literal blocks for multi-line text, and long
 * plain/quoted scalars folded at spaces past column 80.
 */

const nonStringWords = new Set([
  '', '~', 'null', 'Null', 'NULL', 'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);

const timestampForms = [
  /^\d{4}-\d{1,2}-\d{1,2}$/,
  /^\d{4}-\d{1,2}-\d{1,2}[Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  /^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?$/,
];
const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const base60Float = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const goInt = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]*|0[bB][01]+|[1-9][0-9]*)$/;
const goFloat = /^[-+]?((\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|0[xX][0-9a-fA-F]*\.?[0-9a-fA-F]*[pP][-+]?\d+|[iI]nf(inity)?|NaN)$/i;

/** True when go-yaml v2 would read the plain text back as something other than a string. */
export function resolvesToNonString(s: string): boolean {
  if (nonStringWords.has(s)) return true;
  const c = s[0] ?? '';
  if (c === '.') return goFloat.test(s);
  if ((c >= '0' && c <= '9') || c === '+' || c === '-') {
    if (timestampForms.some((re) => re.test(s))) return true;
    const plain = s.replace(/_/g, '');
    if (goInt.test(plain)) return true;
    if (yamlStyleFloat.test(plain)) return true;
    if (/^-?0b[01]+$/.test(plain)) return true;
  }
  return false;
}

export function canBePlainString(s: string): boolean {
  return !resolvesToNonString(s) && !base60Float.test(s);
}

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

const isBreak = (ch: string): boolean => ch === '\n' || ch === '\r' || ch === '\u0085' || ch === '\u2028' || ch === '\u2029';
const isSpace = (ch: string): boolean => ch === ' ';
const isBlankz = (ch: string | undefined): boolean => ch === undefined || ch === ' ' || ch === '\t' || isBreak(ch) || ch === '\0';

function isPrintable(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || c === 0x85 || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff) || c >= 0x10000;
}

/** libyaml's yaml_emitter_analyze_scalar, for the block context we always emit in. */
function analyze(s: string): Analysis {
  if (s.length === 0) return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const chars = Array.from(s);
  let blockIndicators = s.startsWith('---') || s.startsWith('...');
  let special = false, lineBreaks = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false;
  let precededByWhitespace = true;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    const followedByWhitespace = isBlankz(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) blockIndicators = true;
      if ((ch === '?' || ch === ':') && followedByWhitespace) blockIndicators = true;
      if (ch === '-' && followedByWhitespace) blockIndicators = true;
    } else {
      if (ch === ':' && followedByWhitespace) blockIndicators = true;
      if (ch === '#' && precededByWhitespace) blockIndicators = true;
    }
    if (!isPrintable(ch)) special = true;
    if (isBreak(ch)) lineBreaks = true;
    const first = i === 0, last = i === chars.length - 1;
    if (isSpace(ch)) {
      if (first) leadingSpace = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true; previousBreak = false;
    } else if (isBreak(ch)) {
      if (first) leadingBreak = true;
      if (last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true; previousSpace = false;
    } else {
      previousSpace = false; previousBreak = false;
    }
    precededByWhitespace = isBlankz(ch);
  }
  let blockPlainAllowed = true, singleQuotedAllowed = true, blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) { blockPlainAllowed = false; singleQuotedAllowed = false; }
  if (spaceBreak || special) { blockPlainAllowed = false; singleQuotedAllowed = false; blockAllowed = false; }
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

/** The style go-yaml v2 ends up with for a string value (or key, when simpleKey). */
export function chooseStyle(s: string, simpleKey: boolean): ScalarStyle {
  const a = analyze(s);
  let style: ScalarStyle = s.includes('\n') ? 'literal' : canBePlainString(s) ? 'plain' : 'double';
  if (style === 'plain') {
    if (!a.blockPlainAllowed || (s.length === 0 && simpleKey)) style = 'single';
  }
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double';
  if (style === 'single' && a.multiline && simpleKey) style = 'double';
  return style;
}

/** Tracks the output column, as the emitter's folding decisions depend on it. */
export class ColumnWriter {
  private readonly parts: string[] = [];
  column = 0;
  write(text: string): void {
    this.parts.push(text);
    const nl = text.lastIndexOf('\n');
    this.column = nl >= 0 ? Array.from(text.slice(nl + 1)).length : this.column + Array.from(text).length;
  }
  newline(): void { this.write('\n'); }
  /** Breaks the line (unless at its start) and pads to `indent`. */
  indentTo(indent: number): void {
    if (this.column !== 0) this.write('\n');
    if (this.column < indent) this.write(' '.repeat(indent - this.column));
  }
  toString(): string { return this.parts.join(''); }
}

const bestWidth = 80;

/** Writes a scalar string; `indent` is where continuation lines start. */
export function writeString(w: ColumnWriter, s: string, indent: number, simpleKey: boolean): void {
  const style = chooseStyle(s, simpleKey);
  const allowBreaks = !simpleKey;
  const chars = Array.from(s);
  if (style === 'plain') {
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i] ?? '';
      if (ch === ' ') {
        if (allowBreaks && !spaces && w.column > bestWidth && chars[i + 1] !== ' ') w.indentTo(indent);
        else w.write(ch);
        spaces = true;
      } else {
        w.write(ch);
        spaces = false;
      }
    }
    return;
  }
  if (style === 'single') {
    w.write("'");
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i] ?? '';
      if (ch === ' ') {
        if (allowBreaks && !spaces && w.column > bestWidth && i !== 0 && i !== chars.length - 1 && chars[i + 1] !== ' ') w.indentTo(indent);
        else w.write(ch);
        spaces = true;
      } else {
        w.write(ch === "'" ? "''" : ch);
        spaces = false;
      }
    }
    w.write("'");
    return;
  }
  if (style === 'literal') {
    writeLiteral(w, s, indent);
    return;
  }
  writeDoubleQuoted(w, chars, indent, allowBreaks);
}

function writeLiteral(w: ColumnWriter, s: string, indent: number): void {
  let hints = '';
  if (s.startsWith(' ') || isBreak(s[0] ?? '')) hints += '2';
  const last = s[s.length - 1] ?? '';
  if (!isBreak(last)) hints += '-';
  else if (s.length === 1 || isBreak(s[s.length - 2] ?? '')) hints += '+';
  w.write(`|${hints}`);
  w.newline();
  let breaks = true;
  for (const ch of Array.from(s)) {
    if (isBreak(ch)) {
      w.write('\n');
      breaks = true;
    } else {
      if (breaks) { w.write(' '.repeat(indent)); breaks = false; }
      w.write(ch);
    }
  }
}

const escapes: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\x0b': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e',
  '"': '"', '\\': '\\', '\u0085': 'N', '\u00a0': '_', '\u2028': 'L', '\u2029': 'P',
};

function writeDoubleQuoted(w: ColumnWriter, chars: string[], indent: number, allowBreaks: boolean): void {
  w.write('"');
  let spaces = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? '';
    const code = ch.codePointAt(0) ?? 0;
    if (!isPrintable(ch) || code === 0xfeff || isBreak(ch) || ch === '"' || ch === '\\') {
      const e = escapes[ch];
      if (e) w.write(`\\${e}`);
      else if (code <= 0xff) w.write(`\\x${code.toString(16).toUpperCase().padStart(2, '0')}`);
      else if (code <= 0xffff) w.write(`\\u${code.toString(16).toUpperCase().padStart(4, '0')}`);
      else w.write(`\\U${code.toString(16).toUpperCase().padStart(8, '0')}`);
      spaces = false;
    } else if (ch === ' ') {
      if (allowBreaks && !spaces && w.column > bestWidth && i !== 0 && i !== chars.length - 1) {
        w.indentTo(indent);
        if (chars[i + 1] === ' ') w.write('\\');
      } else {
        w.write(ch);
      }
      spaces = true;
    } else {
      w.write(ch);
      spaces = false;
    }
  }
  w.write('"');
}
