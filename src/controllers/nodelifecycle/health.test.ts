import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredTaints, evictionTime, lastHeard, unknownConditions } from './health.js';

test('the last sign of life is the newest of lease renewal, Ready heartbeat and creation', () => {
  assert.equal(lastHeard({ leaseRenewTime: '2026-01-01T00:00:10.000000Z', conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T00:00:05Z' }], created: '2026-01-01T00:00:00Z' }), Date.parse('2026-01-01T00:00:10Z'));
  assert.equal(lastHeard({ conditions: [], created: '2026-01-01T00:00:00Z' }), Date.parse('2026-01-01T00:00:00Z'));
});

test('silence turns the four node conditions Unknown once', () => {
  const now = '2026-01-01T00:01:00Z';
  const c = unknownConditions([{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-01-01T00:00:00Z' }], now);
  assert.deepEqual(c?.map((x) => `${x.type}=${x.status}`), ['Ready=Unknown', 'MemoryPressure=Unknown', 'DiskPressure=Unknown', 'PIDPressure=Unknown']);
  assert.equal(c?.[0]?.lastHeartbeatTime, '2026-01-01T00:00:00Z', 'the last heartbeat is kept');
  assert.equal(c?.[0]?.reason, 'NodeStatusUnknown');
  assert.equal(unknownConditions(c ?? [], now), undefined, 'already Unknown: no write');
});

test('taints follow Ready: unreachable for Unknown, not-ready for False, none for True; others kept', () => {
  const t = '2026-01-01T00:00:00Z';
  const user = { key: 'dedicated', value: 'x', effect: 'NoSchedule' };
  assert.deepEqual(desiredTaints([user], 'Unknown', t).map((x) => `${x.key}:${x.effect}`), ['dedicated:NoSchedule', 'node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
  assert.deepEqual(desiredTaints([user], 'False', t).map((x) => x.key), ['dedicated', 'node.kubernetes.io/not-ready', 'node.kubernetes.io/not-ready']);
  const tainted = desiredTaints([user], 'Unknown', t);
  assert.deepEqual(desiredTaints(tainted, 'True', t), [user]);
  assert.equal(desiredTaints(tainted, 'Unknown', '2026-02-02T00:00:00Z').find((x) => x.effect === 'NoExecute')?.timeAdded, t, 'timeAdded is kept');
});

test('eviction: now without a toleration, after the shortest tolerationSeconds, never when tolerated forever', () => {
  const taints = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: '2026-01-01T00:00:00Z' }];
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(evictionTime(taints, []), 0);
  assert.equal(evictionTime(taints, [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { operator: 'Exists', tolerationSeconds: 30 }]), t0 + 30_000);
  assert.equal(evictionTime(taints, [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }]), undefined);
  assert.equal(evictionTime([{ key: 'x', effect: 'NoSchedule' }], []), undefined, 'NoSchedule never evicts');
});
