import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { sameJson } from '../patch/json.js';
import { sameIgnoringManagedFieldTimes } from './update.js';

test('sameJson: equal as JSON, whatever the member order, with undefined members absent', () => {
  assert.equal(sameJson({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }), true);
  assert.equal(sameJson({ a: 1, u: undefined }, { a: 1 }), true);
  assert.equal(sameJson({ a: 1 }, { a: 1, b: null }), false);
  assert.equal(sameJson({ a: [1, 2] }, { a: [2, 1] }), false);
  assert.equal(sameJson({ a: 1 }, { a: '1' }), false);
  assert.equal(sameJson({ a: {} }, { a: [] }), false);
  assert.equal(sameJson({ a: { b: 1 } }, { a: { b: 1, c: 2 } }), false);
});

test('a write that changes only managedFields times is the same; any other change is not', () => {
  const base: KubeObject = {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', managedFields: [{ manager: 'm', operation: 'Update', time: '2026-01-01T00:00:00Z' }] },
    spec: { containers: [{ name: 'c', image: 'i' }] }, status: { phase: 'Running' },
  };
  const later: KubeObject = { ...base, metadata: { ...base.metadata, managedFields: [{ manager: 'm', operation: 'Update', time: '2026-02-02T00:00:00Z' }] } };
  assert.equal(sameIgnoringManagedFieldTimes(base, later), true);
  assert.equal(sameIgnoringManagedFieldTimes(base, { ...later, status: { phase: 'Succeeded' } }), false);
  assert.equal(sameIgnoringManagedFieldTimes(base, { ...base, metadata: { ...base.metadata, labels: { a: 'b' } } }), false);
  assert.equal(sameIgnoringManagedFieldTimes(base, { ...base, metadata: { ...base.metadata, managedFields: [{ manager: 'other', operation: 'Update', time: '2026-01-01T00:00:00Z' }] } }), false);
  assert.equal(sameIgnoringManagedFieldTimes(base, { ...base, metadata: { ...base.metadata, managedFields: [] } }), false);
});
