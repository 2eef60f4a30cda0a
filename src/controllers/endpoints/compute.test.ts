import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../base/objects.js';
import { endpointSubsets, sliceShapes } from './compute.js';

const pod = (name: string, ip: string | undefined, o: { ready?: boolean; port?: number; deleting?: boolean; phase?: string } = {}): Pod => ({
  metadata: { name, namespace: 'default', uid: `uid-${name}`, ...(o.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ name: 'web', containerPort: o.port ?? 8080 }] }] },
  status: { phase: o.phase ?? 'Running', ...(ip ? { podIP: ip } : {}), conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});

test('ready pods are addresses, others notReadyAddresses; no IP or finished means absent', () => {
  const subsets = endpointSubsets('svc', { ports: [{ name: 'http', port: 80, targetPort: 8080 }] }, [
    pod('b', '10.42.0.3'), pod('a', '10.42.0.2'), pod('c', '10.42.0.4', { ready: false }), pod('d', undefined), pod('e', '10.42.0.9', { phase: 'Succeeded' }),
  ]);
  assert.equal(subsets.length, 1);
  assert.deepEqual(subsets[0]?.addresses?.map((a) => a.ip), ['10.42.0.2', '10.42.0.3']);
  assert.deepEqual(subsets[0]?.notReadyAddresses?.map((a) => a.targetRef.name), ['c']);
  assert.deepEqual(subsets[0]?.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
});

test('named target ports resolve per pod and split subsets by port', () => {
  const subsets = endpointSubsets('svc', { ports: [{ port: 80, targetPort: 'web' }] }, [pod('a', '10.0.0.1', { port: 8080 }), pod('b', '10.0.0.2', { port: 9090 })]);
  assert.deepEqual(subsets.map((s) => s.ports?.[0]?.port).sort(), [8080, 9090]);
});

test('slices carry terminating pods with their conditions', () => {
  const [shape] = sliceShapes('svc', { ports: [{ port: 80 }] }, [pod('a', '10.0.0.1'), pod('b', '10.0.0.2', { deleting: true })]);
  assert.equal(shape?.addressType, 'IPv4');
  assert.deepEqual(shape?.endpoints.map((e) => [e.targetRef.name, e.conditions]), [
    ['a', { ready: true, serving: true, terminating: false }],
    ['b', { ready: false, serving: true, terminating: true }],
  ]);
  assert.deepEqual(endpointSubsets('svc', { ports: [{ port: 80 }] }, [pod('b', '10.0.0.2', { deleting: true })]), [], 'terminating pods leave Endpoints');
});
