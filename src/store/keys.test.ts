import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isReadError, prefixRangeEnd } from './keys.js';

test('prefixRangeEnd bounds exactly the keys that start with the prefix', () => {
  const cases: Array<[string, string | undefined]> = [
    ['', undefined],
    ['/registry/pods/', '/registry/pods0'],
    ['a', 'b'],
    ['a\u{10FFFF}', 'b'],
    ['\u{10FFFF}', undefined],
    ['x\uD7FF', 'x\uE000'], // skips the surrogate range, which no key can contain
  ];
  for (const [prefix, end] of cases) assert.equal(prefixRangeEnd(prefix), end, JSON.stringify(prefix));
  const end = prefixRangeEnd('/a/') ?? '';
  for (const key of ['/a/', '/a/b', '/a/\u{10FFFF}']) assert.ok(key >= '/a/' && key < end, key);
  for (const key of ['/a0', '/b', '/a']) assert.ok(!(key >= '/a/' && key < end), key);
});

test('isReadError tells read errors from values and absence', () => {
  assert.equal(isReadError({ ok: false, reason: 'compacted', compactRevision: 3, currentRevision: 5 }), true);
  assert.equal(isReadError({ key: 'k', value: 'v', createRevision: 1, modRevision: 1 }), false);
  assert.equal(isReadError(undefined), false);
});
