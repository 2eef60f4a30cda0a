import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ageOf, humanDuration, rfc3339 } from './age.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration matches upstream duration.HumanDuration', () => {
  const cases: Array<[number, string]> = [
    [-5 * S, '<invalid>'], [-1500, '0s'], [0, '0s'], [5 * S, '5s'], [119 * S, '119s'],
    [2 * M, '2m'], [3 * M + 20 * S, '3m20s'], [9 * M + 59 * S, '9m59s'], [10 * M + 30 * S, '10m'], [179 * M, '179m'],
    [3 * H, '3h'], [5 * H + 7 * M, '5h7m'], [8 * H + 30 * M, '8h'], [47 * H, '47h'],
    [2 * D, '2d'], [2 * D + 3 * H, '2d3h'], [7 * D + 23 * H, '7d23h'], [8 * D, '8d'], [400 * D, '400d'],
    [2 * 365 * D, '2y'], [2 * 365 * D + 10 * D, '2y10d'], [9 * 365 * D, '9y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms} ms`);
});

test('ageOf measures from an RFC 3339 timestamp and reports <unknown> without one', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(ageOf('2024-05-01T11:56:40Z', now), '3m20s');
  assert.equal(ageOf('2024-04-29T09:00:00Z', now), '2d3h');
  assert.equal(ageOf(undefined, now), '<unknown>');
  assert.equal(ageOf(null, now), '<unknown>');
  assert.equal(ageOf('not a time', now), '<unknown>');
  assert.equal(rfc3339(now), '2024-05-01T12:00:00Z');
});
