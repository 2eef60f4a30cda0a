import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mostRecentMissed, parseSchedule } from './schedule.js';

const next = (spec: string, after: string): string | undefined => parseSchedule(spec).next(new Date(after))?.toISOString();

test('steps, ranges, lists and names', () => {
  assert.equal(next('*/15 * * * *', '2026-03-01T10:07:30Z'), '2026-03-01T10:15:00.000Z');
  assert.equal(next('0 9-17/4 * * *', '2026-03-01T13:00:00Z'), '2026-03-01T17:00:00.000Z');
  assert.equal(next('5,35 * * * *', '2026-03-01T10:06:00Z'), '2026-03-01T10:35:00.000Z');
  assert.equal(next('0 0 1 FEB *', '2026-03-01T00:00:00Z'), '2027-02-01T00:00:00.000Z');
  assert.equal(next('30 6 * * MON-FRI', '2026-03-06T07:00:00Z'), '2026-03-09T06:30:00.000Z', 'Friday after 6:30 -> Monday');
  assert.equal(next('0 0 * * 7', '2026-03-02T00:00:00Z'), '2026-03-08T00:00:00.000Z', '7 is Sunday');
});

test('macros, the timezone prefix, and day-of-month OR day-of-week', () => {
  assert.equal(next('@hourly', '2026-03-01T10:00:00Z'), '2026-03-01T11:00:00.000Z');
  assert.equal(next('@monthly', '2026-03-01T10:00:00Z'), '2026-04-01T00:00:00.000Z');
  assert.equal(next('CRON_TZ=UTC 0 12 * * *', '2026-03-01T12:00:00Z'), '2026-03-02T12:00:00.000Z');
  // The 13th or any Friday: 2026-03-06 is a Friday, before the 13th.
  assert.equal(next('0 0 13 * FRI', '2026-03-01T00:00:00Z'), '2026-03-06T00:00:00.000Z');
  assert.equal(next('0 0 30 2 *', '2026-01-01T00:00:00Z'), undefined, 'February 30th never comes');
});

test('bad schedules are refused with a reason', () => {
  assert.throws(() => parseSchedule('* * * *'), /exactly 5 fields/);
  assert.throws(() => parseSchedule('61 * * * *'), /beyond range/);
  assert.throws(() => parseSchedule('*/0 * * * *'), /invalid step/);
  assert.throws(() => parseSchedule('x * * * *'), /failed to parse/);
});

test('the most recent missed time and the count of misses', () => {
  const s = parseSchedule('*/10 * * * *');
  const r = mostRecentMissed(s, new Date('2026-03-01T10:00:00Z'), new Date('2026-03-01T10:35:00Z'));
  assert.equal(r.time?.toISOString(), '2026-03-01T10:30:00.000Z');
  assert.equal(r.missed, 3);
  const none = mostRecentMissed(s, new Date('2026-03-01T10:00:00Z'), new Date('2026-03-01T10:05:00Z'));
  assert.equal(none.time, undefined);
  const many = mostRecentMissed(parseSchedule('* * * * *'), new Date('2026-03-01T00:00:00Z'), new Date('2026-03-02T00:00:30Z'));
  assert.equal(many.time?.toISOString(), '2026-03-02T00:00:00.000Z');
  assert.equal(many.missed, 100);
});
