/**
 * YAML as kubectl prints it (`-o yaml`): the JSON value re-emitted by go-yaml v2 through
 * sigs.k8s.io/yaml — mapping keys in go-yaml's natural order, block style, sequences not
 * indented under their key, `{}` / `[]` for empty collections, 2-space indentation.
 */
import { ColumnWriter, writeString } from './yaml-scalar.js';

/** go-yaml v2's key order: digit runs compare numerically, letters after other runes. */
export function yamlKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a), br = Array.from(b);
  const isLetter = (c: string): boolean => /\p{L}/u.test(c);
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    const ac = ar[i] ?? '', bc = br[i] ?? '';
    if (ac === bc) { digits = isDigit(ac); continue; }
    const al = isLetter(ac), bl = isLetter(bc);
    if (al && bl) return ac < bc;
    if (al || bl) return digits ? al : bl;
    let an = 0, bn = 0;
    if (ac === '0' || bc === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') { an = 1; bn = 1; break; }
      }
    }
    let ai = i, bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ac < bc;
  }
  return ar.length < br.length;
}

export function sortYamlKeys(keys: string[]): string[] {
  return [...keys].sort((a, b) => (yamlKeyLess(a, b) ? -1 : yamlKeyLess(b, a) ? 1 : 0));
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64), which go-yaml uses for floats. */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (!Number.isFinite(f)) return f > 0 ? '.inf' : '-.inf';
  if (Number.isInteger(f) && Math.abs(f) < 1e21) {
    const exp = f === 0 ? 0 : Math.floor(Math.log10(Math.abs(f)));
    if (exp < 21 && exp < 6) return String(f);
  }
  const [mantissa = '0', expText = '0'] = f.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(f);
}

function scalarText(v: unknown): string | undefined {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? String(v) : formatGoFloat(v);
  if (typeof v === 'bigint') return v.toString();
  return undefined;
}

/** Writes a value that follows `key:` or `- ` on the current line, or on new lines. */
function writeValue(w: ColumnWriter, v: unknown, indent: number, inSequence: boolean): void {
  if (typeof v === 'string') {
    w.write(' ');
    writeString(w, v, indent + 2, false);
    // A literal block that ends in a line break has already ended the line.
    if (w.column !== 0) w.newline();
    return;
  }
  const text = scalarText(v);
  if (text !== undefined) { w.write(` ${text}`); w.newline(); return; }
  if (Array.isArray(v)) {
    if (v.length === 0) { w.write(' []'); w.newline(); return; }
    if (inSequence) { w.write(' '); writeSequence(w, v, indent + 2, true); return; }
    w.newline();
    writeSequence(w, v, indent, false);
    return;
  }
  if (isMap(v)) {
    if (Object.keys(v).length === 0) { w.write(' {}'); w.newline(); return; }
    if (inSequence) { w.write(' '); writeMapping(w, v, indent + 2, true); return; }
    w.newline();
    writeMapping(w, v, indent + 2, false);
    return;
  }
  w.write(` ${String(v)}`);
  w.newline();
}

function writeMapping(w: ColumnWriter, m: Record<string, unknown>, indent: number, continuesLine: boolean): void {
  let first = true;
  for (const key of sortYamlKeys(Object.keys(m).filter((k) => m[k] !== undefined))) {
    if (!(first && continuesLine)) w.write(' '.repeat(indent));
    first = false;
    writeString(w, key, indent, true);
    w.write(':');
    writeValue(w, m[key], indent, false);
  }
}

function writeSequence(w: ColumnWriter, items: unknown[], indent: number, continuesLine: boolean): void {
  let first = true;
  for (const item of items) {
    if (!(first && continuesLine)) w.write(' '.repeat(indent));
    first = false;
    w.write('-');
    writeValue(w, item === undefined ? null : item, indent, true);
  }
}

/** The YAML document for a JSON value, ending in a newline (no `---`). */
export function toYaml(value: unknown): string {
  const w = new ColumnWriter();
  if (isMap(value)) {
    if (Object.keys(value).length === 0) return '{}\n';
    writeMapping(w, value, 0, false);
  } else if (Array.isArray(value)) {
    if (value.length === 0) return '[]\n';
    writeSequence(w, value, 0, false);
  } else if (typeof value === 'string') {
    writeString(w, value, 0, false);
    if (w.column !== 0) w.newline();
  } else {
    w.write(scalarText(value) ?? String(value));
    w.newline();
  }
  return w.toString();
}

export type { Json };
