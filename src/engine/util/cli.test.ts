import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ellipsis, formatTable, humanAge, humanSize, parseArgs, UsageError } from './index.js';

test('sizes as docker prints them', () => {
  const cases: Array<[number, string]> = [[0, '0B'], [999, '999B'], [1000, '1kB'], [4_261_000, '4.26MB'], [123_456_789, '123MB'], [1_500_000_000, '1.5GB']];
  for (const [bytes, text] of cases) assert.equal(humanSize(bytes), text, String(bytes));
});

test('ages as docker prints them', () => {
  const now = Date.parse('2024-06-01T00:00:00Z');
  const ago = (ms: number): string => humanAge(new Date(now - ms).toISOString(), now);
  assert.equal(ago(500), 'Less than a second ago');
  assert.equal(ago(1000), '1 second ago');
  assert.equal(ago(30_000), '30 seconds ago');
  assert.equal(ago(61_000), 'About a minute ago');
  assert.equal(ago(10 * 60_000), '10 minutes ago');
  assert.equal(ago(65 * 60_000), 'About an hour ago');
  assert.equal(ago(5 * 3_600_000), '5 hours ago');
  assert.equal(ago(3 * 86_400_000), '3 days ago');
  assert.equal(ago(20 * 86_400_000), '2 weeks ago');
  assert.equal(ago(90 * 86_400_000), '3 months ago');
  assert.equal(ago(800 * 86_400_000), '2 years ago');
  assert.equal(humanAge(undefined), 'N/A');
});

test('tables are laid out like docker tabwriter (min width 10, padding 3)', () => {
  assert.equal(formatTable([['REPOSITORY', 'TAG', 'SIZE'], ['busybox', 'latest', '1MB']]), 'REPOSITORY   TAG       SIZE\nbusybox      latest    1MB\n');
  assert.equal(ellipsis('abcdef', 4), 'abc…');
  assert.equal(ellipsis('abc', 4), 'abc');
});

test('flags: long, short, bundled, values, --root and SKIFF_ROOT', () => {
  const a = parseArgs(['-af', '--format=oci-archive', '-o', 'x.tar', 'img', '--root', '/r'], [{ name: 'all', short: 'a' }, { name: 'force', short: 'f' }, { name: 'format', value: true }, { name: 'output', short: 'o', value: true }], {});
  assert.deepEqual([...a.flags.entries()], [['all', ['true']], ['force', ['true']], ['format', ['oci-archive']], ['output', ['x.tar']], ['root', ['/r']]]);
  assert.deepEqual(a.positionals, ['img']);
  assert.equal(a.root, '/r');
  assert.equal(parseArgs([], [], { SKIFF_ROOT: '/env' }).root, '/env');
  assert.equal(parseArgs([], [], {}).root, '/var/lib/skiff/engine');
  assert.throws(() => parseArgs(['--nope'], []), UsageError);
  assert.throws(() => parseArgs(['-o'], [{ name: 'output', short: 'o', value: true }]), /needs an argument/);
});
