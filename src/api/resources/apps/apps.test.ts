import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { ago, create, ctx, lines, update } from '../testing.js';
import { controllerrevisions, daemonsets, deployments, replicasets, statefulsets } from './index.js';
import { goLabelSelector } from './workload.js';

function template(labels: Record<string, string> = { app: 'web' }, containers: unknown[] = [{ name: 'web', image: 'nginx:1.27' }]): Record<string, unknown> {
  return { metadata: { labels }, spec: { containers } };
}

function deployment(spec: Record<string, unknown>, name = 'web'): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default', creationTimestamp: ago(600) }, spec };
}

test('deployment defaults, including the pod template ones', () => {
  const d = deployment({ selector: { matchLabels: { app: 'web' } }, template: template() });
  d['status'] = { replicas: 9 };
  assert.deepEqual(create(deployments, d), []);
  const spec = d['spec'] as Record<string, unknown>;
  assert.equal(spec['replicas'], 1);
  assert.deepEqual(spec['strategy'], { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec['revisionHistoryLimit'], 10);
  assert.equal(spec['progressDeadlineSeconds'], 600);
  assert.deepEqual(spec['template'], {
    metadata: { labels: { app: 'web' }, creationTimestamp: null },
    spec: {
      containers: [{ name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} }],
      restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', securityContext: {}, schedulerName: 'default-scheduler',
    },
  });
  assert.deepEqual(d['status'], {});
  assert.equal(deployments.strategy.usesGeneration, true);
  // Recreate gets no rollingUpdate block.
  const r = deployment({ strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'web' } }, template: template() });
  assert.deepEqual(create(deployments, r), []);
  assert.deepEqual((r['spec'] as Record<string, unknown>)['strategy'], { type: 'Recreate' });
});

test('deployment validation messages', () => {
  const cases: Array<[Record<string, unknown>, string[]]> = [
    [{ template: template() }, ['spec.selector: Required value']],
    [{ selector: { matchLabels: { app: 'other' } }, template: template() }, ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`']],
    [{ selector: {}, template: template() }, ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment']],
    [{ selector: { matchLabels: { app: 'web' } } }, ['spec.template: Required value']],
    [{ replicas: -1, selector: { matchLabels: { app: 'web' } }, template: template() }, ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    [{ selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }, [{ name: 'web' }]) }, ['spec.template.spec.containers[0].image: Required value']],
    [{ selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }, template: template() }, []],
    [{ selector: { matchExpressions: [{ key: 'app', operator: 'Near' }] }, template: template() }, [
      'spec.selector.matchExpressions[0].operator: Unsupported value: "Near": supported values: "DoesNotExist", "Exists", "In", "NotIn"',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ]],
    [{ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } }, selector: { matchLabels: { app: 'web' } }, template: template() }, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0']],
    [{ strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '150%' } }, selector: { matchLabels: { app: 'web' } }, template: template() }, ['spec.strategy.rollingUpdate.maxSurge: Invalid value: "150%": must not be greater than 100%']],
    [{ selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'a', image: 'b' }] } } }, ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"']],
  ];
  for (const [spec, want] of cases) assert.deepEqual(lines(create(deployments, deployment(spec))), want, JSON.stringify(spec));
});

test('rejected selectors are rendered as Go values, as 1.32 servers print them', () => {
  assert.equal(goLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['x', 'y'] }] }),
    'v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"a", Operator:"In", Values:[]string{"x", "y"}}}}');
  assert.equal(goLabelSelector({ matchLabels: {} }), 'v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}');
});

test('deployment updates: status kept, selector immutable', () => {
  const old = deployment({ selector: { matchLabels: { app: 'web' } }, template: template() });
  create(deployments, old);
  old['status'] = { replicas: 1, readyReplicas: 1 };
  const scaled = structuredClone(old);
  (scaled['spec'] as Record<string, unknown>)['replicas'] = 3;
  scaled['status'] = {};
  assert.deepEqual(update(deployments, scaled, old), []);
  assert.deepEqual(scaled['status'], { replicas: 1, readyReplicas: 1 });
  const reselected = structuredClone(old);
  (reselected['spec'] as Record<string, unknown>)['selector'] = { matchLabels: { app: 'web', v: '2' } };
  ((reselected['spec'] as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels)['v'] = '2';
  assert.deepEqual(lines(update(deployments, reselected, old)), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable']);
});

test('workload tables', () => {
  const d = deployment({ replicas: 3, selector: { matchLabels: { app: 'web' } }, template: template({ app: 'web' }, [{ name: 'web', image: 'nginx' }, { name: 'log', image: 'busybox' }]) });
  d['status'] = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
  assert.deepEqual(deployments.columns.map((c) => c.name), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
  assert.deepEqual(deployments.row(d, ctx), ['web', '2/3', 3, 2, '10m', 'web,log', 'nginx,busybox', 'app=web']);
  const rs: KubeObject = { metadata: { name: 'web-abc', creationTimestamp: ago(60) }, spec: { replicas: 2, selector: { matchLabels: { app: 'web', 'pod-template-hash': 'abc' } }, template: template() }, status: { replicas: 2, readyReplicas: 1 } };
  assert.deepEqual(replicasets.row(rs, ctx), ['web-abc', 2, 2, 1, '60s', 'web', 'nginx:1.27', 'app=web,pod-template-hash=abc']);
  const sts: KubeObject = { metadata: { name: 'db', creationTimestamp: ago(60) }, spec: { replicas: 3, template: template() }, status: { readyReplicas: 1 } };
  assert.deepEqual(statefulsets.row(sts, ctx), ['db', '1/3', '60s', 'web', 'nginx:1.27']);
  const ds: KubeObject = { metadata: { name: 'agent', creationTimestamp: ago(60) }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'a', image: 'b' }] } } }, status: { desiredNumberScheduled: 2, currentNumberScheduled: 2, numberReady: 1, updatedNumberScheduled: 2, numberAvailable: 1 } };
  assert.deepEqual(daemonsets.row(ds, ctx), ['agent', 2, 2, 1, 2, 1, 'kubernetes.io/os=linux', '60s', 'a', 'b', 'app=agent']);
  const cr: KubeObject = { metadata: { name: 'db-7f', creationTimestamp: ago(60), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true }] }, revision: 2 };
  assert.deepEqual(controllerrevisions.row(cr, ctx), ['db-7f', 'statefulset.apps/db', 2, '60s']);
});

test('statefulset and daemonset defaults; statefulset spec is mostly immutable', () => {
  const sts: KubeObject = { metadata: { name: 'db', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, serviceName: 'db', template: template(), volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] } };
  assert.deepEqual(create(statefulsets, sts), []);
  const spec = sts['spec'] as Record<string, unknown>;
  assert.equal(spec['podManagementPolicy'], 'OrderedReady');
  assert.deepEqual(spec['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.deepEqual(spec['persistentVolumeClaimRetentionPolicy'], { whenDeleted: 'Retain', whenScaled: 'Retain' });
  assert.deepEqual(spec['volumeClaimTemplates'], [{ metadata: { name: 'data', creationTimestamp: null }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }]);
  const changed = structuredClone(sts);
  (changed['spec'] as Record<string, unknown>)['serviceName'] = 'other';
  assert.match(lines(update(statefulsets, changed, sts))[0] ?? '', /^spec: Forbidden: updates to statefulset spec for fields other than 'replicas'/);
  const scaled = structuredClone(sts);
  (scaled['spec'] as Record<string, unknown>)['replicas'] = 5;
  assert.deepEqual(update(statefulsets, scaled, sts), []);
  const ds: KubeObject = { metadata: { name: 'agent', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template() } };
  assert.deepEqual(create(daemonsets, ds), []);
  assert.deepEqual((ds['spec'] as Record<string, unknown>)['updateStrategy'], { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
  const rs: KubeObject = { metadata: { name: 'rs', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, template: template() } };
  assert.deepEqual(create(replicasets, rs), []);
  assert.equal((rs['spec'] as Record<string, unknown>)['replicas'], 1);
});
