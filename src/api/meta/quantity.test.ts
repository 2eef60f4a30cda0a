import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuantity } from './quantity.js';

test('quantities parse with binary, decimal and exponent suffixes', () => {
  const cases: Array<[unknown, number | undefined]> = [
    ['1', 1], ['500m', 0.5], ['1.5', 1.5], ['2k', 2000], ['1Ki', 1024], ['1Gi', 2 ** 30], ['1G', 1e9], ['3e2', 300], ['100n', 1e-7],
    ['-1', -1], [2, 2], ['1.5Gi', 1.5 * 2 ** 30], ['lots', undefined], ['1 Gi', undefined], ['', undefined], [undefined, undefined],
  ];
  for (const [input, want] of cases) assert.equal(parseQuantity(input), want, String(input));
  assert.ok((parseQuantity('2048Mi') ?? 0) === (parseQuantity('2Gi') ?? 1));
});
