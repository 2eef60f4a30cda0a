import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet, pathString } from './fieldset.js';

test('FieldsV1 round-trips, with "." for members that have children, in upstream order', () => {
  const fields = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
  };
  const set = FieldSet.fromFieldsV1(fields);
  assert.equal(JSON.stringify(set.toFieldsV1()), JSON.stringify(fields));
  assert.ok(set.has(['f:spec', 'f:containers', 'k:{"name":"nginx"}']));
  assert.ok(!set.has(['f:spec', 'f:containers']));
});

test('set operations and iteration order', () => {
  const a = new FieldSet();
  a.insert(['f:spec', 'f:replicas']);
  a.insert(['f:spec', 'f:template', 'f:x']);
  a.insert(['f:metadata', 'f:labels', 'f:a']);
  const b = new FieldSet();
  b.insert(['f:spec', 'f:replicas']);
  assert.deepEqual(a.intersection(b).paths(), [['f:spec', 'f:replicas']]);
  assert.deepEqual(a.difference(b).paths(), [['f:metadata', 'f:labels', 'f:a'], ['f:spec', 'f:template', 'f:x']]);
  assert.ok(a.union(b).equals(a));
  assert.ok(!a.equals(b));
  assert.ok(a.difference(a).isEmpty());
});

test('paths print as upstream prints them', () => {
  assert.equal(pathString(['f:spec', 'f:containers', 'k:{"name":"nginx"}', 'f:image']), '.spec.containers[name="nginx"].image');
  assert.equal(pathString(['f:spec', 'f:ports', 'k:{"containerPort":80,"protocol":"TCP"}']), '.spec.ports[containerPort=80,protocol="TCP"]');
  assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"a"']), '.metadata.finalizers[="a"]');
});

test('keys sort by value as upstream does (numbers numerically)', () => {
  const set = new FieldSet();
  for (const port of [8080, 100, 80]) set.insert(['f:ports', `k:{"containerPort":${port},"protocol":"TCP"}`]);
  assert.deepEqual(Object.keys(set.toFieldsV1()['f:ports'] as object), [
    'k:{"containerPort":80,"protocol":"TCP"}', 'k:{"containerPort":100,"protocol":"TCP"}', 'k:{"containerPort":8080,"protocol":"TCP"}',
  ]);
});
