import { test } from 'node:test';
import assert from 'node:assert/strict';
import { choosePodCidr, nodeConditions, nodeStatus } from './node-status.js';
import { machineFacts } from './machine.js';
import { tmpdir } from 'node:os';

test('pod CIDR: the lowest /24 of 10.42.0.0/16 no other node has', () => {
  assert.equal(choosePodCidr(new Set()), '10.42.0.0/24');
  assert.equal(choosePodCidr(new Set(['10.42.0.0/24', '10.42.1.0/24', '10.42.3.0/24'])), '10.42.2.0/24');
  assert.equal(choosePodCidr(new Set(['10.100.0.0/24']), '10.100.0.0/16'), '10.100.1.0/24', 'from the cluster CIDR given');
  assert.throws(() => choosePodCidr(new Set(['10.9.0.0/24']), '10.9.0.0/24'), /no free \/24 left in the cluster CIDR 10\.9\.0\.0\/24/);
});

test('conditions: pressure flips status and reason, transition time kept while unchanged', () => {
  const first = nodeConditions({ memory: false, disk: false, pid: false }, [], 'T1');
  assert.deepEqual(first.map((c) => `${c.type}=${c.status}/${c.reason}`), ['MemoryPressure=False/KubeletHasSufficientMemory', 'DiskPressure=False/KubeletHasNoDiskPressure', 'PIDPressure=False/KubeletHasSufficientPID', 'Ready=True/KubeletReady']);
  const second = nodeConditions({ memory: false, disk: true, pid: false }, first, 'T2');
  const disk = second.find((c) => c.type === 'DiskPressure');
  assert.equal(disk?.status, 'True');
  assert.equal(disk?.lastTransitionTime, 'T2');
  assert.equal(second.find((c) => c.type === 'MemoryPressure')?.lastTransitionTime, 'T1');
  assert.equal(second.find((c) => c.type === 'Ready')?.lastHeartbeatTime, 'T2');
});

test('status: capacity from the machine in kubelet units', () => {
  const m = machineFacts(tmpdir());
  const s = nodeStatus({ name: 'n1', address: '10.0.0.5', storageDir: tmpdir() }, m, []) as { capacity: Record<string, string>; addresses: unknown[] };
  assert.equal(s.capacity.cpu, String(m.cpus));
  assert.equal(s.capacity.memory, `${Math.floor(m.memoryBytes / 1024)}Ki`);
  assert.equal(s.capacity.pods, '110');
  assert.deepEqual(s.addresses, [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'n1' }]);
});
