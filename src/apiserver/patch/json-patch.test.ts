import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, applyMergePatch, createMergePatch, parsePatchBody } from './json-patch.js';

const pod = () => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'web', tier: 'fe' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

test('JSON patch operations (RFC 6902)', async (t) => {
  const cases: Array<{ name: string; patch: unknown; check: (o: Record<string, unknown>) => void }> = [
    { name: 'replace', patch: [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.28' }], check: (o) => assert.deepEqual(o.spec, { containers: [{ name: 'c', image: 'nginx:1.28' }] }) },
    { name: 'add to map', patch: [{ op: 'add', path: '/metadata/labels/x', value: 'y' }], check: (o) => assert.equal((o.metadata as { labels: Record<string, string> }).labels.x, 'y') },
    { name: 'append to list', patch: [{ op: 'add', path: '/spec/containers/-', value: { name: 'd' } }], check: (o) => assert.equal((o.spec as { containers: unknown[] }).containers.length, 2) },
    { name: 'remove', patch: [{ op: 'remove', path: '/metadata/labels/tier' }], check: (o) => assert.deepEqual((o.metadata as { labels: unknown }).labels, { app: 'web' }) },
    { name: 'passing test then replace', patch: [{ op: 'test', path: '/metadata/name', value: 'p' }, { op: 'replace', path: '/metadata/name', value: 'q' }], check: (o) => assert.equal((o.metadata as { name: string }).name, 'q') },
    { name: 'move and copy', patch: [{ op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copy' }, { op: 'move', from: '/metadata/labels/tier', path: '/metadata/labels/moved' }], check: (o) => assert.deepEqual((o.metadata as { labels: unknown }).labels, { app: 'web', copy: 'web', moved: 'fe' }) },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const original = pod();
      const r = applyJsonPatch(original, c.patch);
      assert.equal(r.error, undefined);
      c.check(r.object as Record<string, unknown>);
      assert.deepEqual(original, pod(), 'the input is not modified');
    });
  }
});

test('JSON patch errors: bad document is 400, failing operation is 422', () => {
  const notAList = applyJsonPatch(pod(), { op: 'add' });
  assert.equal(notAList.error?.code, 400);
  assert.equal(notAList.error?.reason, 'BadRequest');
  const badOp = applyJsonPatch(pod(), [{ op: 'frobnicate', path: '/x' }]);
  assert.equal(badOp.error?.code, 400);
  const failedTest = applyJsonPatch(pod(), [{ op: 'test', path: '/metadata/name', value: 'other' }]);
  assert.equal(failedTest.error?.code, 422);
  assert.equal(failedTest.error?.reason, 'Invalid');
  assert.match(failedTest.error?.details?.causes?.[0]?.message ?? '', /test/);
  const missing = applyJsonPatch(pod(), [{ op: 'replace', path: '/spec/nope/deeper', value: 1 }]);
  assert.equal(missing.error?.code, 422);
  assert.equal(missing.error?.details?.causes?.[0]?.message, 'replace operation does not apply: doc is missing path: "/spec/nope/deeper": missing value');
  const removeMissing = applyJsonPatch(pod(), [{ op: 'remove', path: '/metadata/labels/none' }]);
  assert.equal(removeMissing.error?.details?.causes?.[0]?.message, 'remove operation does not apply: doc is missing path: "/metadata/labels/none": missing value');
  assert.equal(removeMissing.error?.message, 'the server rejected our request due to an error in our request');
});

test('parsePatchBody returns 400 for invalid JSON', () => {
  assert.equal(parsePatchBody('{"a":').error?.code, 400);
  assert.deepEqual(parsePatchBody(Buffer.from('{"a":1}')).object, { a: 1 });
});

test('merge patch (RFC 7386) including the RFC examples', async (t) => {
  const cases: Array<[string, Record<string, unknown>, unknown, unknown]> = [
    ['replace scalar', { a: 'b' }, { a: 'c' }, { a: 'c' }],
    ['add', { a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    ['null deletes', { a: 'b' }, { a: null }, {}],
    ['null deletes, keeps others', { a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    ['arrays replace', { a: ['b'] }, { a: 'c' }, { a: 'c' }],
    ['scalar to object', { a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    ['nested', { a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    ['arrays are not merged', { a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    ['nested null in new object is dropped', {}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ['kubectl label', { metadata: { labels: { a: '1' } } }, { metadata: { labels: { foo: 'bar' } } }, { metadata: { labels: { a: '1', foo: 'bar' } } }],
  ];
  for (const [name, original, patch, expected] of cases) {
    await t.test(name, () => assert.deepEqual(applyMergePatch(original, patch).object, expected));
  }
  assert.equal(applyMergePatch({}, [1]).error?.code, 400);
});

test('createMergePatch produces a patch that round-trips', () => {
  const a = { metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 1, paused: true } };
  const b = { metadata: { labels: { a: '1', c: '3' } }, spec: { replicas: 3 } };
  const patch = createMergePatch(a, b);
  assert.deepEqual(patch, { metadata: { labels: { b: null, c: '3' } }, spec: { paused: null, replicas: 3 } });
  assert.deepEqual(applyMergePatch(a, patch).object, b);
});
