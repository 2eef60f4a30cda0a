import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpPool, podCidrFor } from './addresses.js';
import { hollowNode } from './node-object.js';
import { runningStatus, succeededStatus } from './pod-status.js';

test('pod CIDRs: a /24 per node in 10.42.0.0/16, then beyond the service CIDR', () => {
  assert.equal(podCidrFor(0).cidr, '10.42.0.0/24');
  assert.equal(podCidrFor(255).cidr, '10.42.255.0/24');
  assert.equal(podCidrFor(256).cidr, '10.44.0.0/24', '10.43.0.0/16 is the service CIDR');
  const all = new Set(Array.from({ length: 5000 }, (_, i) => podCidrFor(i).cidr));
  assert.equal(all.size, 5000);
});

test('pod IPs are stable per pod, recycled after release, and run out after .254', () => {
  const pool = new IpPool('10.42.7');
  assert.equal(pool.allocate('a'), '10.42.7.2');
  assert.equal(pool.allocate('a'), '10.42.7.2');
  assert.equal(pool.allocate('b'), '10.42.7.3');
  pool.release('a');
  assert.equal(pool.allocate('c'), '10.42.7.2');
  for (let i = 0; i < 251; i++) assert.ok(pool.allocate(`x${i}`));
  assert.equal(pool.allocate('one-too-many'), undefined);
  const restarted = new IpPool('10.42.7');
  restarted.reserve('old', '10.42.7.4');
  assert.deepEqual(['n1', 'n2', 'n3'].map((u) => restarted.allocate(u)), ['10.42.7.3', '10.42.7.2', '10.42.7.5']);
  assert.equal(restarted.allocate('old'), '10.42.7.4');
});

test('node and pod status shapes', () => {
  const n = hollowNode({ name: 'h0', cidr: '10.42.0.0/24', internalIP: '10.42.0.1', capacity: { cpu: '8', memory: '16Gi', pods: '110' }, labels: { zone: 'a' }, now: new Date('2026-01-01T00:00:00Z') });
  const status = n.status as { allocatable: Record<string, string>; conditions: Array<{ type: string; status: string }> };
  assert.equal(status.allocatable.cpu, '8');
  assert.equal(status.conditions.find((c) => c.type === 'Ready')?.status, 'True');
  assert.equal(n.metadata?.labels?.['kubernetes.io/hostname'], 'h0');
  assert.equal(n.metadata?.labels?.['zone'], 'a');
  const pod = { metadata: { name: 'p', uid: 'u' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const running = runningStatus(pod, { podIP: '10.42.0.2', hostIP: '10.42.0.1', now: new Date() }) as { phase: string; podIP: string; containerStatuses: Array<{ ready: boolean; state: Record<string, unknown> }> };
  assert.equal(running.phase, 'Running');
  assert.equal(running.podIP, '10.42.0.2');
  assert.equal(running.containerStatuses[0]?.ready, true);
  assert.ok(running.containerStatuses[0]?.state['running']);
  const done = succeededStatus(pod, new Date()) as { phase: string; containerStatuses: Array<{ state: { terminated?: { exitCode: number } } }> };
  assert.equal(done.phase, 'Succeeded');
  assert.equal(done.containerStatuses[0]?.state.terminated?.exitCode, 0);
});
