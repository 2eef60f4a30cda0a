import assert from 'node:assert/strict';
import { test } from 'node:test';
import { removePath } from './field-validation.js';

test('removePath drops the field an unknown-field path names, and nothing else', () => {
  const obj = { spec: { foo: 1, containers: [{ name: 'a', bogus: true }, { name: 'b' }] }, kept: 1 };
  removePath(obj, '.spec.foo');
  removePath(obj, '.spec.containers[0].bogus');
  removePath(obj, '.spec.containers[5].nothing');
  removePath(obj, '.missing.deep');
  assert.deepEqual(obj, { spec: { containers: [{ name: 'a' }, { name: 'b' }] }, kept: 1 });
});
