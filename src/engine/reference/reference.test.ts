import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReference, formatReference, familiarString, looksLikeImageId, ReferenceError } from './index.js';

const D = 'sha256:' + 'a'.repeat(64);

test('normalises references as Docker does', () => {
  const cases: Array<[string, string, string]> = [
    ['nginx', 'docker.io/library/nginx:latest', 'nginx:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['user/app', 'docker.io/user/app:latest', 'user/app:latest'],
    ['docker.io/library/nginx', 'docker.io/library/nginx:latest', 'nginx:latest'],
    ['index.docker.io/nginx', 'docker.io/library/nginx:latest', 'nginx:latest'],
    ['localhost:5000/a/b:t', 'localhost:5000/a/b:t', 'localhost:5000/a/b:t'],
    ['localhost/x', 'localhost/x:latest', 'localhost/x:latest'],
    ['quay.io/org/img:v1.2_3', 'quay.io/org/img:v1.2_3', 'quay.io/org/img:v1.2_3'],
    [`x@${D}`, `docker.io/library/x@${D}`, `x@${D}`],
    [`a/b:t@${D}`, `docker.io/a/b:t@${D}`, `a/b:t@${D}`],
    ['[::1]:5000/foo', '[::1]:5000/foo:latest', '[::1]:5000/foo:latest'],
  ];
  for (const [input, full, short] of cases) {
    const ref = parseReference(input);
    assert.equal(formatReference(ref), full, input);
    assert.equal(familiarString(ref), short, input);
  }
});

test('rejects invalid references with the reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /at least one component/],
    ['Nginx', /must be lowercase/],
    ['nginx:', /invalid tag/],
    ['nginx:-bad', /invalid tag/],
    ['a//b', /empty path component/],
    ['a/b-/c', /invalid path component "b-"/],
    ['x@sha256:abc', /invalid digest|64 lowercase hex/],
    [`x@sha256:${'A'.repeat(64)}`, /64 lowercase hex/],
    ['a'.repeat(300), /longer than 255/],
  ];
  for (const [input, why] of cases) {
    assert.throws(() => parseReference(input), (err: unknown) => err instanceof ReferenceError && why.test(err.message), input);
  }
});

test('keeps no tag when asked and recognises image IDs', () => {
  assert.equal(parseReference('busybox', { defaultTag: false }).tag, undefined);
  assert.equal(looksLikeImageId('3f57d9401f8d'), true);
  assert.equal(looksLikeImageId(D), true);
  assert.equal(looksLikeImageId('busybox'), false);
});
