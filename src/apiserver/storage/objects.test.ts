/** Written objects: the JSON kept for responses and watches is exactly JSON.stringify's. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, ResourceType } from '../../api/types.js';
import { openSqliteStore } from '../../store/index.js';
import { isReadError } from '../../store/keys.js';
import { knownJson, ObjectStorage } from './objects.js';

const rt = { group: '', version: 'v1', plural: 'things', kind: 'Thing', namespaced: true } as ResourceType;

test('a written object is known as its JSON.stringify, and stored without its resourceVersion', async (t) => {
  const store = await openSqliteStore(':memory:');
  t.after(() => store.close());
  const storage = new ObjectStorage(store);
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'a', namespace: 'n', resourceVersion: '99', labels: { x: 'y' } }, spec: { list: [1, { b: null }], skip: undefined, s: 'q"uote\u2028' } },
    { kind: 'Thing', spec: {}, metadata: { namespace: 'n', name: 'b' }, apiVersion: 'v1' },
    { apiVersion: 'v1', kind: 'Thing', metadata: { name: 'c', namespace: 'n', annotations: undefined } },
  ];
  for (const obj of objects) {
    const written = await storage.create(rt, obj);
    assert.equal(knownJson(written), JSON.stringify(written));
    const kv = await store.get(`/registry/core/things/n/${obj.metadata?.name}`);
    assert.ok(kv && !isReadError(kv));
    const { resourceVersion: _rv, ...meta } = written.metadata ?? {};
    assert.equal(kv.value, JSON.stringify({ ...written, metadata: meta }));
    const updated = await storage.update(rt, { ...written, data: { k: 'v' } }, kv.modRevision);
    assert.ok(updated);
    assert.equal(knownJson(updated), JSON.stringify(updated));
  }
  assert.equal(knownJson({ ...objects[0] }), undefined);
});
