import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResourceType } from '../../api/types.js';
import { checkNamespace, checkTypeMeta, generatedName, keepSystemFields, specPart } from './meta.js';

const rt = { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true } as ResourceType;

test('type meta must match the URL and is filled in when absent', () => {
  const o: Record<string, unknown> = { metadata: { name: 'x' } };
  checkTypeMeta(rt, o);
  assert.equal(o.apiVersion, 'apps/v1');
  assert.equal(o.kind, 'Deployment');
  assert.throws(() => checkTypeMeta(rt, { apiVersion: 'v1', kind: 'Deployment' }), /does not match the expected API version/);
  assert.throws(() => checkTypeMeta(rt, { apiVersion: 'apps/v1', kind: 'Pod' }), /does not match the expected kind/);
});

test('namespace comes from the URL; a different body namespace is refused', () => {
  const o = { metadata: { name: 'x' } };
  checkNamespace(rt, 'ns1', o);
  assert.equal((o.metadata as { namespace?: string }).namespace, 'ns1');
  assert.throws(() => checkNamespace(rt, 'ns1', { metadata: { name: 'x', namespace: 'ns2' } }), /does not match the namespace/);
});

test('generated names use the prefix and five safe characters', () => {
  for (let i = 0; i < 50; i++) assert.match(generatedName('web-'), /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
});

test('system fields survive an update; spec part ignores metadata and status', () => {
  const old = { metadata: { name: 'x', uid: 'u1', creationTimestamp: 't', generation: 4 } };
  const upd = { metadata: { name: 'x', uid: 'other', generation: 1 } };
  keepSystemFields(upd, old);
  assert.deepEqual(upd.metadata, { name: 'x', uid: 'u1', creationTimestamp: 't', generation: 4 });
  assert.equal(specPart({ metadata: { name: 'a' }, spec: { r: 1 }, status: { s: 1 } }), specPart({ metadata: { name: 'b' }, spec: { r: 1 } }));
});
