/**
 * Small helpers every backend and caller of the store shares: prefix ranges and telling a
 * read error apart from a value.
 */
import type { ReadAtRevisionError } from './types.js';

const maxCodePoint = 0x10ffff;
const surrogateStart = 0xd800;
const surrogateEnd = 0xdfff;

/**
 * The smallest string greater than every string that starts with `prefix`, or undefined when
 * there is none (empty prefix). Keys are compared by code point (SQLite compares UTF-8 bytes,
 * which orders the same way), so bumping the last code point bounds the range.
 */
export function prefixRangeEnd(prefix: string): string | undefined {
  const codePoints = Array.from(prefix);
  while (codePoints.length > 0) {
    const last = codePoints.pop() as string;
    let next = (last.codePointAt(0) as number) + 1;
    if (next >= surrogateStart && next <= surrogateEnd) next = surrogateEnd + 1;
    if (next <= maxCodePoint) return codePoints.join('') + String.fromCodePoint(next);
  }
  return undefined;
}

/** True when a get/range answered with 'compacted' or 'future' instead of data. */
export function isReadError(result: unknown): result is ReadAtRevisionError {
  return typeof result === 'object' && result !== null && 'ok' in result && (result as { ok: unknown }).ok === false;
}
