import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyRemoval, pointNames } from './naming.js';
import type { ReferenceEntry } from './refs.js';

const M1 = `sha256:${'1'.repeat(64)}`;
const M2 = `sha256:${'2'.repeat(64)}`;
const ID = `sha256:${'a'.repeat(64)}`;
const keys = (refs: Record<string, ReferenceEntry>): string[] => Object.keys(refs).sort();

test('pointing a name elsewhere keeps the old image as dangling; naming it again clears that', () => {
  const refs: Record<string, ReferenceEntry> = {};
  pointNames(refs, M1, ['docker.io/library/app:latest']);
  pointNames(refs, M2, ['docker.io/library/app:latest']);
  assert.deepEqual(keys(refs), [`@dangling/${M1}`, 'docker.io/library/app:latest']);
  pointNames(refs, M1, ['docker.io/library/old:1']);
  assert.deepEqual(keys(refs), ['docker.io/library/app:latest', 'docker.io/library/old:1']);
});

test('removal follows docker rmi rules', () => {
  const two = (): Record<string, ReferenceEntry> => { const r = {}; pointNames(r, M1, ['a:1', 'b:1']); return r; };
  let refs = two();
  assert.deepEqual(applyRemoval(refs, { imageId: ID, manifestDigest: M1, byName: 'a:1', users: [] }), { untagged: ['a:1'], deleted: false });
  assert.deepEqual(keys(refs), ['b:1']);
  refs = two();
  assert.throws(() => applyRemoval(refs, { imageId: ID, manifestDigest: M1, users: [] }), /must be forced/);
  assert.deepEqual(applyRemoval(refs, { imageId: ID, manifestDigest: M1, users: [], force: true }), { untagged: ['a:1', 'b:1'], deleted: true });
  assert.deepEqual(keys(refs), []);
  refs = two();
  assert.throws(() => applyRemoval(refs, { imageId: ID, manifestDigest: M1, byName: 'a:1', users: ['c1'] }), /container c1 is using/);
  assert.deepEqual(applyRemoval(refs, { imageId: ID, manifestDigest: M1, users: ['c1'], force: true }), { untagged: ['a:1', 'b:1'], deleted: false });
  assert.deepEqual(keys(refs), [`@dangling/${M1}`]);
  assert.deepEqual(applyRemoval(refs, { imageId: ID, manifestDigest: M1, users: [] }), { untagged: [], deleted: true });
  assert.deepEqual(keys(refs), []);
});
