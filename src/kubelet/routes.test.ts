import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredRoutes, parseRouteTable } from './routes.js';

const node = (name: string, cidr: string | undefined, ip: string | undefined, deleting = false) => ({
  metadata: { name, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: cidr ? { podCIDR: cidr } : {},
  status: { addresses: [...(ip ? [{ type: 'InternalIP', address: ip }] : []), { type: 'Hostname', address: name }] },
});

test('routes to every other node\'s pod CIDR via its InternalIP; not to self, nodes without a CIDR or address, or leaving nodes', () => {
  const want = desiredRoutes([
    node('a', '10.42.0.0/24', '192.168.5.1'),
    node('b', '10.42.1.0/24', '192.168.5.2'),
    node('c', undefined, '192.168.5.3'),
    node('d', '10.42.3.0/24', undefined),
    node('e', '10.42.4.0/24', '192.168.5.5', true),
    node('f', '10.42.5.0/24', '127.0.0.1'),
  ], 'a');
  assert.deepEqual([...want], [['10.42.1.0/24', '192.168.5.2']]);
});

test('reads our routes back from `ip route show proto 77`', () => {
  const table = parseRouteTable('10.42.1.0/24 via 192.168.5.2 dev eth0 \n10.42.2.0/24 via 192.168.5.3 dev eth0 \n\n');
  assert.deepEqual([...table], [['10.42.1.0/24', '192.168.5.2'], ['10.42.2.0/24', '192.168.5.3']]);
});

test('pods route the cluster CIDR (whatever it is) and the service CIDR through their node, and have no default route', async () => {
  const { bridgeConfig } = await import('./cni.js');
  const c = bridgeConfig('10.42.3.0/24', '/state/ipam', '10.42.0.0/16') as { ipam: { routes: Array<{ dst: string; gw: string }> } };
  assert.deepEqual(c.ipam.routes, [{ dst: '10.42.0.0/16', gw: '10.42.3.1' }, { dst: '10.43.0.0/16', gw: '10.42.3.1' }]);
  assert.ok(!c.ipam.routes.some((r) => r.dst === '0.0.0.0/0'));
  // Another cluster CIDR (skiff server --cluster-cidr) is what the pods route to their node.
  const other = bridgeConfig('10.100.3.0/24', '/state/ipam', '10.100.0.0/16') as typeof c;
  assert.deepEqual(other.ipam.routes, [{ dst: '10.100.0.0/16', gw: '10.100.3.1' }, { dst: '10.43.0.0/16', gw: '10.100.3.1' }]);
  // The VXLAN backend's MTU reaches the pods' interfaces; host-gw leaves the plugin's default.
  assert.equal((bridgeConfig('10.42.3.0/24', '/state/ipam', '10.42.0.0/16', 1450) as { mtu?: number }).mtu, 1450);
  assert.equal('mtu' in c, false);
});

test('VXLAN peers: other nodes with a pod CIDR, an address and a well-formed VTEP MAC', async () => {
  const { desiredPeers } = await import('./routes.js');
  const withMac = (n: ReturnType<typeof node>, mac: string) => ({ ...n, metadata: { ...n.metadata, annotations: { 'skiff.io/vtep-mac': mac } } });
  const peers = desiredPeers([
    withMac(node('a', '10.42.0.0/24', '192.168.5.1'), 'aa:bb:cc:dd:ee:01'),
    withMac(node('b', '10.42.1.0/24', '192.168.5.2'), 'aa:bb:cc:dd:ee:02'),
    node('c', '10.42.2.0/24', '192.168.5.3'),
    withMac(node('d', '10.42.3.0/24', '192.168.5.4'), 'not-a-mac'),
  ], 'a');
  assert.deepEqual([...peers.values()], [{ cidr: '10.42.1.0/24', nodeIP: '192.168.5.2', mac: 'aa:bb:cc:dd:ee:02' }]);
});
