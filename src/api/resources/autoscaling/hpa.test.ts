import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { ago, create, ctx, lines } from '../testing.js';
import { horizontalpodautoscalers as hpas } from './index.js';
import { leases } from '../coordination/index.js';
import { endpointslices } from '../discovery/index.js';
import { eventsV1 } from '../events/index.js';

test('hpa defaults, validation and TARGETS column', () => {
  const hpa: KubeObject = { metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(30) }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5 } };
  assert.deepEqual(create(hpas, hpa), []);
  const spec = hpa['spec'] as Record<string, unknown>;
  assert.equal(spec['minReplicas'], 1);
  assert.deepEqual(spec['metrics'], [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  assert.equal(spec['behavior'], undefined);
  assert.deepEqual(hpas.row(hpa, ctx), ['web', 'Deployment/web', 'cpu: <unknown>/80%', '1', 5, 0, '30s']);
  hpa['status'] = { currentReplicas: 2, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 12 } } }] };
  assert.equal(hpas.row(hpa, ctx)[2], 'cpu: 12%/80%');
  assert.deepEqual(lines(create(hpas, { metadata: { name: 'x', namespace: 'default' }, spec: { minReplicas: 3, maxReplicas: 2 } })), [
    'spec.scaleTargetRef.kind: Required value', 'spec.scaleTargetRef.name: Required value', 'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
  ]);
  const withBehavior: KubeObject = { metadata: { name: 'b', namespace: 'default' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'w' }, maxReplicas: 3, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } };
  create(hpas, withBehavior);
  assert.deepEqual((withBehavior['spec'] as Record<string, unknown>)['behavior'], {
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
  });
});

test('lease, endpointslice and events.k8s.io rows and checks', () => {
  assert.deepEqual(leases.row({ metadata: { name: 'node1', creationTimestamp: ago(5) }, spec: { holderIdentity: 'node1' } }, ctx), ['node1', 'node1', '5s']);
  assert.deepEqual(lines(create(leases, { metadata: { name: 'l', namespace: 'kube-node-lease' }, spec: { leaseDurationSeconds: 0 } })), ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']);
  const slice: KubeObject = { metadata: { name: 'web-abc', namespace: 'default', creationTimestamp: ago(5) }, addressType: 'IPv4', ports: [{ port: 80 }], endpoints: [{ addresses: ['10.42.0.1'] }, { addresses: ['10.42.0.2'] }, { addresses: ['10.42.0.3'] }, { addresses: ['10.42.0.4'] }] };
  assert.deepEqual(create(endpointslices, slice), []);
  assert.deepEqual((slice['ports'] as unknown[])[0], { port: 80, name: '', protocol: 'TCP' });
  assert.deepEqual(endpointslices.row(slice, ctx), ['web-abc', 'IPv4', '80', '10.42.0.1,10.42.0.2,10.42.0.3 + 1 more...', '5s']);
  assert.deepEqual(endpointslices.row({ metadata: { name: 'e' }, addressType: 'IPv4' }, ctx).slice(2, 4), ['<unset>', '<unset>']);
  assert.deepEqual(lines(create(endpointslices, { metadata: { name: 's', namespace: 'default' }, addressType: 'IPX' })), ['addressType: Unsupported value: "IPX": supported values: "FQDN", "IPv4", "IPv6"']);
  const ev: KubeObject = { metadata: { name: 'e1', namespace: 'default', creationTimestamp: ago(5) }, eventTime: ago(10), reportingController: 'skiff/scheduler', reportingInstance: 'skiff-1', action: 'Binding', reason: 'Scheduled', type: 'Normal', note: 'Assigned default/web to node1', regarding: { kind: 'Pod', name: 'web', namespace: 'default' } };
  assert.deepEqual(create(eventsV1, ev), []);
  assert.deepEqual(eventsV1.row(ev, ctx), ['10s', 'Normal', 'Scheduled', 'pod/web', '', 'skiff/scheduler, skiff-1', 'Assigned default/web to node1', '10s', 1, 'e1']);
  assert.deepEqual(lines(create(eventsV1, { metadata: { name: 'e2', namespace: 'default' }, type: 'Normal' })), ['eventTime: Required value', 'reportingController: Required value', 'reportingInstance: Required value', 'action: Required value', 'reason: Required value']);
});
