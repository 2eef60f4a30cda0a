import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../api/types.js';
import { desiredIngress, excludeNodeLabel, ingressAddresses, nodesWithReadyEndpoints, sameIngress, type ServiceView } from './ingress.js';

const node = (name: string, ip: string, ready: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name, labels },
  status: { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }], conditions: [{ type: 'Ready', status: ready }] },
});
const svc = (type: string, ingress?: Array<{ ip: string }>, loadBalancerClass?: string): ServiceView => ({
  apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'default', name: 's' },
  spec: { type, ...(loadBalancerClass ? { loadBalancerClass } : {}) }, status: { loadBalancer: ingress ? { ingress } : {} },
});

test('ingress addresses: Ready nodes\' InternalIPs, numerically sorted, excluded and NotReady nodes left out', () => {
  const nodes = [node('c', '192.168.1.10', 'True'), node('a', '192.168.1.9', 'True'), node('b', '192.168.1.2', 'False'), node('d', '192.168.1.3', 'True', { [excludeNodeLabel]: '' })];
  assert.deepEqual(ingressAddresses(nodes), ['192.168.1.9', '192.168.1.10']);
  assert.deepEqual(ingressAddresses([]), []);
});

test('desired ingress per Service type and class', () => {
  const ips = ['10.0.0.1', '10.0.0.2'];
  assert.deepEqual(desiredIngress(svc('LoadBalancer'), ips), [{ ip: '10.0.0.1', ipMode: 'VIP' }, { ip: '10.0.0.2', ipMode: 'VIP' }]);
  // Another implementation's class: not ours to touch.
  assert.equal(desiredIngress(svc('LoadBalancer', undefined, 'example.com/lb'), ips), undefined);
  assert.equal(desiredIngress(svc('ClusterIP'), ips), undefined);
  // A former LoadBalancer loses its addresses.
  assert.deepEqual(desiredIngress(svc('NodePort', [{ ip: '10.0.0.1' }]), ips), []);
});

test('sameIngress compares addresses in order, so an unchanged status is not rewritten', () => {
  const wanted = [{ ip: '10.0.0.1', ipMode: 'VIP' }];
  assert.equal(sameIngress([{ ip: '10.0.0.1' }], wanted), true);
  assert.equal(sameIngress(undefined, wanted), false);
  assert.equal(sameIngress([{ ip: '10.0.0.2' }], wanted), false);
  assert.equal(sameIngress(undefined, []), true);
});

test('externalTrafficPolicy Local: only nodes with a ready endpoint are advertised', () => {
  const slices: KubeObject[] = [{
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's-1' },
    endpoints: [
      { addresses: ['10.42.0.5'], nodeName: 'a', conditions: { ready: true } },
      { addresses: ['10.42.1.5'], nodeName: 'b', conditions: { ready: false } },
      { addresses: ['10.42.2.5'], nodeName: 'c', conditions: { ready: true, terminating: true } },
    ],
  } as KubeObject];
  const local = nodesWithReadyEndpoints(slices);
  assert.deepEqual([...local], ['a']);
  const nodes = [node('a', '192.168.1.1', 'True'), node('b', '192.168.1.2', 'True'), node('c', '192.168.1.3', 'True')];
  assert.deepEqual(ingressAddresses(nodes, local), ['192.168.1.1']);
  assert.deepEqual(ingressAddresses(nodes), ['192.168.1.1', '192.168.1.2', '192.168.1.3']);
});
