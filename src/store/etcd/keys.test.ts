import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EtcdKeyspace, byteRangeEnd, revisionNumber } from './keys.js';

test('byteRangeEnd bounds every key with the prefix, skipping trailing 0xff bytes', () => {
  assert.deepEqual(byteRangeEnd(Buffer.from('/a/')), Buffer.from('/a0'));
  assert.deepEqual(byteRangeEnd(Buffer.from([0x61, 0xff, 0xff])), Buffer.from([0x62]));
  assert.deepEqual(byteRangeEnd(Buffer.from([0xff])), Buffer.from([0]), 'all 0xff: to the end of the keyspace');
  assert.deepEqual(byteRangeEnd(Buffer.alloc(0)), Buffer.from([0]));
});

test('the keyspace puts store keys under its root and strips it again, UTF-8 included', () => {
  const ks = new EtcdKeyspace('/root');
  const key = '/pods/default/caf\u00e9-\u{1f600}';
  assert.deepEqual(ks.encode(key), Buffer.from(`/root${key}`, 'utf8'));
  assert.equal(ks.decode(ks.encode(key)), key);
  const { key: start, rangeEnd } = ks.prefixRange('/pods/');
  assert.deepEqual(start, Buffer.from('/root/pods/'));
  assert.deepEqual(rangeEnd, Buffer.from('/root/pods0'));
  // A key under the prefix with a multi-byte character still sorts inside the range.
  assert.ok(Buffer.compare(ks.encode('/pods/\u{10ffff}'), rangeEnd) < 0);
});

test('revisionNumber reads etcd int64 strings and refuses what a number cannot hold', () => {
  assert.equal(revisionNumber('42'), 42);
  assert.equal(revisionNumber(undefined), 0);
  assert.throws(() => revisionNumber('9007199254740993'), RangeError);
});
