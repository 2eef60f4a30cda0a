import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { ServiceAllocator, kubernetesServiceIP } from './service-ips.js';

const svc = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, uid: name }, spec });

test('allocates distinct IPs in the CIDR, never .0, .1 (kubernetes) or .10 (DNS)', async () => {
  const stored: KubeObject[] = [];
  const alloc = new ServiceAllocator(async () => stored, { cidr: '10.9.0.0/28', nodePortMin: 30000, nodePortMax: 30002 });
  const seen = new Set<string>();
  for (let i = 0; i < 12; i++) {
    const s = svc(`s${i}`, { ports: [{ port: 80 }] });
    await alloc.allocate(s, undefined);
    const ip = (s.spec as { clusterIP: string }).clusterIP;
    assert.match(ip, /^10\.9\.0\.(\d+)$/);
    assert.ok(!['10.9.0.0', '10.9.0.1', '10.9.0.10', '10.9.0.15'].includes(ip), ip);
    assert.ok(!seen.has(ip), `duplicate ${ip}`);
    seen.add(ip);
    stored.push(s);
  }
  await assert.rejects(alloc.allocate(svc('full', {}), undefined), /no service IPs left/);
  assert.equal(kubernetesServiceIP('10.43.0.0/16'), '10.43.0.1');
});

test('requested IPs must be free and in range; headless and ExternalName get none', async () => {
  const stored = [svc('a', { clusterIP: '10.43.0.5' })];
  const alloc = new ServiceAllocator(async () => stored);
  await assert.rejects(alloc.allocate(svc('b', { clusterIP: '10.43.0.5' }), undefined), /already allocated/);
  await assert.rejects(alloc.allocate(svc('c', { clusterIP: '10.44.0.5' }), undefined), /not in the valid range/);
  const headless = svc('h', { clusterIP: 'None' });
  await alloc.allocate(headless, undefined);
  assert.equal((headless.spec as { clusterIPs?: string[] }).clusterIPs, undefined);
  const ext = svc('e', { type: 'ExternalName', externalName: 'example.com' });
  await alloc.allocate(ext, undefined);
  assert.equal((ext.spec as { clusterIP?: string }).clusterIP, undefined);
});

test('node ports for NodePort services, kept across updates', async () => {
  const alloc = new ServiceAllocator(async () => [], { cidr: '10.43.0.0/16', nodePortMin: 31000, nodePortMax: 31001 });
  const s = svc('np', { type: 'NodePort', ports: [{ port: 80 }, { port: 443 }] });
  await alloc.allocate(s, undefined);
  const ports = (s.spec as { ports: Array<{ nodePort: number }> }).ports.map((p) => p.nodePort).sort();
  assert.deepEqual(ports, [31000, 31001]);
  const updated = structuredClone(s);
  await alloc.allocate(updated, s);
  assert.deepEqual((updated.spec as { ports: Array<{ nodePort: number }> }).ports.map((p) => p.nodePort).sort(), [31000, 31001]);
});
