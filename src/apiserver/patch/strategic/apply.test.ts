import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from './apply.js';
import { DEPLOYMENT, POD, fixtureResolver } from '../testdata/schemas.js';

type Obj = Record<string, unknown>;
const pod = (spec: Obj, metadata: Obj = { name: 'p' }): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
const containers = (...items: Obj[]): Obj => ({ containers: items });

interface Case { name: string; original: Obj; patch: unknown; expected: Obj; schema?: string }

const cases: Case[] = [
  {
    name: 'containers merge by name (upstream doc example)',
    original: pod(containers({ name: 'nginx', image: 'nginx-0.9' }, { name: 'log-tailer', image: 'log-tailer-1.0' })),
    patch: { spec: { containers: [{ name: 'nginx', image: 'nginx-1.0' }] } },
    expected: pod(containers({ name: 'nginx', image: 'nginx-1.0' }, { name: 'log-tailer', image: 'log-tailer-1.0' })),
  },
  {
    name: '$patch: delete removes a list item by merge key',
    original: pod(containers({ name: 'nginx', image: 'nginx' }, { name: 'log-tailer', image: 'lt' })),
    patch: { spec: { containers: [{ name: 'log-tailer', $patch: 'delete' }] } },
    expected: pod(containers({ name: 'nginx', image: 'nginx' })),
  },
  {
    name: '$patch: replace in a list makes the patch list the whole list',
    original: pod(containers({ name: 'nginx', image: 'nginx', ports: [{ containerPort: 80 }] }, { name: 'log-tailer', image: 'lt' })),
    patch: { spec: { containers: [{ name: 'nginx', image: 'nginx-1.0' }, { $patch: 'replace' }] } },
    expected: pod(containers({ name: 'nginx', image: 'nginx-1.0' })),
  },
  {
    name: '$patch: replace in a map replaces the map',
    original: pod({ ...containers({ name: 'a', image: 'x' }), restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' }),
    patch: { spec: { $patch: 'replace', containers: [{ name: 'b', image: 'y' }] } },
    expected: pod(containers({ name: 'b', image: 'y' })),
  },
  {
    name: '$patch: delete in a map empties it',
    original: pod({ ...containers({ name: 'a' }), securityContext: { runAsUser: 1 } }),
    patch: { spec: { securityContext: { $patch: 'delete' } } },
    expected: pod({ ...containers({ name: 'a' }), securityContext: {} }),
  },
  {
    name: 'null deletes a key; null for an absent key is ignored',
    original: pod(containers({ name: 'a' }), { name: 'p', labels: { a: '1', b: '2' } }),
    patch: { metadata: { labels: { a: null, zz: null } } },
    expected: pod(containers({ name: 'a' }), { name: 'p', labels: { b: '2' } }),
  },
  {
    name: 'nulls inside a newly added map are dropped',
    original: pod(containers({ name: 'a' })),
    patch: { metadata: { annotations: { x: '1', y: null } } },
    expected: pod(containers({ name: 'a' }), { name: 'p', annotations: { x: '1' } }),
  },
  {
    name: 'lists without merge strategy are replaced (tolerations)',
    original: pod({ ...containers({ name: 'a' }), tolerations: [{ key: 'k1' }, { key: 'k2' }] }),
    patch: { spec: { tolerations: [{ key: 'k3' }] } },
    expected: pod({ ...containers({ name: 'a' }), tolerations: [{ key: 'k3' }] }),
  },
  {
    name: 'primitive list with merge strategy merges; new items first (finalizers)',
    original: pod(containers({ name: 'a' }), { name: 'p', finalizers: ['a', 'b'] }),
    patch: { metadata: { finalizers: ['c', 'a'] } },
    expected: pod(containers({ name: 'a' }), { name: 'p', finalizers: ['c', 'a', 'b'] }),
  },
  {
    name: '$deleteFromPrimitiveList removes values',
    original: pod(containers({ name: 'a' }), { name: 'p', finalizers: ['a', 'b', 'c'] }),
    patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'zzz'] } },
    expected: pod(containers({ name: 'a' }), { name: 'p', finalizers: ['a', 'c'] }),
  },
  {
    name: '$setElementOrder orders a merged list (kubectl set image)',
    original: pod(containers({ name: 'a', image: 'a1' }, { name: 'b', image: 'b1' }, { name: 'c', image: 'c1' })),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'c' }, { name: 'a' }, { name: 'b' }], containers: [{ name: 'a', image: 'a2' }] } },
    expected: pod(containers({ name: 'c', image: 'c1' }, { name: 'a', image: 'a2' }, { name: 'b', image: 'b1' })),
  },
  {
    name: '$setElementOrder with an added item and a server-only item',
    original: pod(containers({ name: 'a' }, { name: 'server' })),
    patch: { spec: { '$setElementOrder/containers': [{ name: 'new' }, { name: 'a' }], containers: [{ name: 'new', image: 'n' }] } },
    expected: pod(containers({ name: 'new', image: 'n' }, { name: 'a' }, { name: 'server' })),
  },
  {
    name: '$setElementOrder for a primitive list',
    original: pod(containers({ name: 'a' }), { name: 'p', finalizers: ['x', 'y'] }),
    patch: { metadata: { '$setElementOrder/finalizers': ['y', 'z', 'x'], finalizers: ['z'] } },
    expected: pod(containers({ name: 'a' }), { name: 'p', finalizers: ['y', 'z', 'x'] }),
  },
  {
    name: 'nested keyed lists: env by name, ports by containerPort',
    original: pod(containers({ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '2' }], ports: [{ containerPort: 80, protocol: 'TCP' }] })),
    patch: { spec: { containers: [{ name: 'a', env: [{ name: 'Y', value: '3' }], ports: [{ containerPort: 80, name: 'http' }] }] } },
    expected: pod(containers({ name: 'a', env: [{ name: 'X', value: '1' }, { name: 'Y', value: '3' }], ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] })),
  },
  {
    name: '$retainKeys drops the keys it does not list (deployment strategy)',
    schema: DEPLOYMENT,
    original: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
    patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
    expected: { spec: { strategy: { type: 'Recreate' } } },
  },
  {
    name: 'unknown fields: maps merge, lists replace',
    original: { apiVersion: 'v1', kind: 'Pod', extra: { a: 1, list: [1, 2] } },
    patch: { extra: { b: 2, list: [3] } },
    expected: { apiVersion: 'v1', kind: 'Pod', extra: { a: 1, b: 2, list: [3] } },
  },
  {
    name: 'type change replaces the value',
    original: pod(containers({ name: 'a' }), { name: 'p', labels: { a: '1' } }),
    patch: { metadata: { labels: 'oops' } },
    expected: pod(containers({ name: 'a' }), { name: 'p', labels: 'oops' }),
  },
  {
    name: 'kubectl rollout pause / resume',
    schema: DEPLOYMENT,
    original: { spec: { replicas: 1, paused: true } },
    patch: { spec: { paused: null } },
    expected: { spec: { replicas: 1 } },
  },
];

test('strategic merge patch: table', async (t) => {
  for (const c of cases) {
    await t.test(c.name, () => {
      const before = structuredClone(c.original);
      const r = applyStrategicMergePatch(c.original, c.patch, fixtureResolver, c.schema ?? POD);
      assert.equal(r.error, undefined, r.error?.message);
      assert.deepEqual(r.object, c.expected);
      assert.deepEqual(c.original, before, 'input not modified');
    });
  }
});

test('strategic merge patch: errors', async (t) => {
  const base = pod(containers({ name: 'a' }), { name: 'p', finalizers: ['x'] });
  const errs: Array<[string, unknown, number, RegExp]> = [
    ['patch not an object', [1], 400, /cannot unmarshal/],
    ['unknown $patch in map', { spec: { $patch: 'merge' } }, 400, /unknown patch type: merge/],
    ['list item without merge key', { spec: { containers: [{ image: 'x' }] } }, 400, /does not contain declared merge key: name/],
    ['$patch: merge in list', { spec: { containers: [{ $patch: 'merge' }] } }, 400, /merging lists cannot yet be specified/],
    ['$retainKeys not a list', { spec: { $retainKeys: 'x' } }, 400, /invalid patch format of retainKeys/],
    ['$retainKeys missing a patched key', { spec: { $retainKeys: ['x'], restartPolicy: 'Never' } }, 400, /invalid patch format of retainKeys/],
    ['$setElementOrder not a list', { spec: { '$setElementOrder/containers': 'a' } }, 400, /setElementOrder/],
    ['list of lists', { metadata: { finalizers: [['a']] } }, 422, /rejected/],
  ];
  for (const [name, patch, code, message] of errs) {
    await t.test(name, () => {
      const r = applyStrategicMergePatch(base, patch, fixtureResolver, POD);
      assert.equal(r.error?.code, code);
      assert.match(code === 422 ? (r.error?.details?.causes?.[0]?.message ?? '') + r.error?.message : r.error?.message ?? '', message);
    });
  }
});

test('a __proto__ key in a patch does not change the object prototype', () => {
  const patch = JSON.parse('{"metadata":{"__proto__":{"polluted":true},"labels":{"a":"b"}}}') as unknown;
  const r = applyStrategicMergePatch(pod(containers({ name: 'a' })), patch, fixtureResolver, POD);
  const metadata = r.object?.metadata as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(metadata), Object.prototype);
  assert.equal(metadata.polluted, undefined);
  assert.deepEqual(metadata.labels, { a: 'b' });
});
