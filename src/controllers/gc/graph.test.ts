import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { OwnerGraph } from './graph.js';

const obj = (uid: string, owners: string[] = []): KubeObject => ({ metadata: { name: uid, uid, ownerReferences: owners.map((o) => ({ apiVersion: 'v1', kind: 'X', name: o, uid: o })) } });

test('the graph tracks dependents by owner uid through updates and removals', () => {
  const g = new OwnerGraph();
  g.upsert('k/owner', obj('owner'));
  g.upsert('k/a', obj('a', ['owner']));
  g.upsert('k/b', obj('b', ['owner', 'other']));
  assert.deepEqual(g.dependentKeys('owner').sort(), ['k/a', 'k/b']);
  assert.equal(g.byOwnerUid('owner')?.key, 'k/owner');
  g.upsert('k/a', obj('a', ['other'])); // released
  assert.deepEqual(g.dependentKeys('owner'), ['k/b']);
  assert.deepEqual(g.dependentKeys('other').sort(), ['k/a', 'k/b']);
  g.remove('k/b');
  assert.deepEqual(g.dependentKeys('owner'), []);
  g.remove('k/owner');
  assert.equal(g.byOwnerUid('owner'), undefined);
});
