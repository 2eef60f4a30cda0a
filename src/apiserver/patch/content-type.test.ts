import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatchBody, parseApplyBody } from './content-type.js';
import { POD, fixtureResolver } from './testdata/schemas.js';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'y' }] } };
const req = (contentType: string, body: string, schemaName = POD, customResource = false) => applyPatchBody({ contentType, original: pod, body, resolver: fixtureResolver, schemaName, customResource });

test('patch bodies are dispatched by content type', () => {
  const smp = req('application/strategic-merge-patch+json; charset=utf-8', '{"spec":{"containers":[{"name":"a","image":"z"}]}}');
  assert.deepEqual((smp.object?.spec as { containers: unknown[] }).containers, [{ name: 'a', image: 'z' }, { name: 'b', image: 'y' }]);
  const merge = req('application/merge-patch+json', '{"spec":{"containers":[{"name":"a","image":"z"}]}}');
  assert.deepEqual((merge.object?.spec as { containers: unknown[] }).containers, [{ name: 'a', image: 'z' }], 'merge patch replaces lists');
  const json = req('application/json-patch+json', '[{"op":"replace","path":"/spec/containers/1/image","value":"q"}]');
  assert.equal((json.object?.spec as { containers: Array<{ image: string }> }).containers[1]?.image, 'q');
});

test('unsupported types and SMP without a schema are 415; bad JSON is 400', () => {
  const other = req('text/plain', '{}');
  assert.equal(other.error?.code, 415);
  assert.match(other.error?.message ?? '', /strategic-merge-patch/);
  assert.equal(req('application/strategic-merge-patch+json', '{}', 'com.example.v1.Unknown').error?.code, 415);
  const crd = req('application/strategic-merge-patch+json', '{}', 'com.example.v1.Widget', true);
  assert.equal(crd.error?.code, 415);
  assert.equal(crd.error?.message, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  assert.equal(req('application/merge-patch+json', '{nope').error?.code, 400);
});

test('apply bodies parse as YAML or JSON; anything but one object is 400', () => {
  assert.deepEqual(parseApplyBody('apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n').object, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } });
  assert.deepEqual(parseApplyBody(Buffer.from('{"kind":"Pod"}')).object, { kind: 'Pod' });
  assert.equal(parseApplyBody('- a\n- b\n').error?.code, 400);
  assert.equal(parseApplyBody('a: [').error?.code, 400);
  assert.equal(parseApplyBody('a: 1\na: 2\n').error?.code, 400, 'duplicate keys are rejected');
});
