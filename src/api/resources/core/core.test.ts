import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { ago, create, ctx, lines, update } from '../testing.js';
import { configmaps, endpoints, events, namespaces, nodes, persistentvolumeclaims, persistentvolumes, secrets, serviceaccounts, services } from './index.js';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: ago(45), ...extra });

test('service defaults: ClusterIP, TCP, targetPort = port, single-stack', () => {
  const named: KubeObject = { metadata: meta('dns'), spec: { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 53, protocol: 'UDP', targetPort: 'dns' }] } };
  assert.deepEqual(create(services, named), []);
  assert.deepEqual((named['spec'] as { ports: unknown[] }).ports[1], { name: 'b', port: 53, protocol: 'UDP', targetPort: 'dns' });
  const s2: KubeObject = { metadata: meta('web'), spec: { ports: [{ port: 80 }] } };
  assert.deepEqual(create(services, s2), []);
  assert.deepEqual(s2['spec'], {
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], type: 'ClusterIP', sessionAffinity: 'None',
    internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
  });
  assert.deepEqual(s2['status'], { loadBalancer: {} });
  const withIP: KubeObject = { metadata: meta('ip'), spec: { clusterIP: '10.43.0.9', ports: [{ port: 80 }] } };
  create(services, withIP);
  assert.deepEqual((withIP['spec'] as Record<string, unknown>)['clusterIPs'], ['10.43.0.9']);
  const sticky: KubeObject = { metadata: meta('sticky'), spec: { sessionAffinity: 'ClientIP', externalIPs: ['192.0.2.9'], ports: [{ port: 80 }] } };
  create(services, sticky);
  assert.deepEqual((sticky['spec'] as Record<string, unknown>)['sessionAffinityConfig'], { clientIP: { timeoutSeconds: 10800 } });
  assert.equal((sticky['spec'] as Record<string, unknown>)['externalTrafficPolicy'], 'Cluster');
  const headless: KubeObject = { metadata: meta('hl'), spec: { clusterIP: 'None' } };
  create(services, headless);
  assert.equal((headless['spec'] as Record<string, unknown>)['ipFamilyPolicy'], 'RequireDualStack');
  const np: KubeObject = { metadata: meta('np'), spec: { type: 'NodePort', ports: [{ port: 80 }] } };
  create(services, np);
  assert.equal((np['spec'] as Record<string, unknown>)['externalTrafficPolicy'], 'Cluster');
});

test('service validation messages', () => {
  const cases: Array<[KubeObject, string[]]> = [
    [{ metadata: meta('web'), spec: {} }, ['spec.ports: Required value']],
    [{ metadata: meta('web'), spec: { clusterIP: 'None' } }, []],
    [{ metadata: meta('web'), spec: { type: 'Magic', ports: [{ port: 80 }] } }, ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    [{ metadata: meta('web'), spec: { ports: [{ port: 0 }] } }, ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive']],
    [{ metadata: meta('web'), spec: { ports: [{ port: 80 }, { port: 81 }] } }, ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']],
    [{ metadata: meta('1web'), spec: { ports: [{ port: 80 }] } }, ["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]],
    [{ metadata: meta('ext'), spec: { type: 'ExternalName' } }, ['spec.externalName: Required value']],
  ];
  for (const [obj, want] of cases) assert.deepEqual(lines(create(services, obj)), want, JSON.stringify(obj['spec']));
  const old: KubeObject = { metadata: meta('web'), spec: { clusterIP: '10.43.0.5', ports: [{ port: 80 }] } };
  create(services, old);
  const changed = structuredClone(old);
  (changed['spec'] as Record<string, unknown>)['clusterIP'] = '10.43.0.6';
  // The stored object carries clusterIPs too; a client that edits only clusterIP changes both.
  (changed['spec'] as Record<string, unknown>)['clusterIPs'] = ['10.43.0.6'];
  assert.deepEqual(lines(update(services, changed, old)), ['spec.clusterIPs[0]: Invalid value: []string{"10.43.0.6"}: may not change once set']);
  // A replace that leaves out allocated values keeps them.
  const np: KubeObject = { metadata: meta('np2'), spec: { type: 'NodePort', clusterIP: '10.43.0.8', ports: [{ name: 'http', port: 80, nodePort: 30080 }] } };
  create(services, np);
  const replaced: KubeObject = { metadata: meta('np2'), spec: { type: 'NodePort', ports: [{ name: 'http', port: 8080 }] } };
  assert.deepEqual(update(services, replaced, np), []);
  const spec = replaced['spec'] as { clusterIP: string; clusterIPs: string[]; ports: Array<Record<string, unknown>> };
  assert.deepEqual([spec.clusterIP, spec.clusterIPs, spec.ports[0]?.['nodePort']], ['10.43.0.8', ['10.43.0.8'], 30080]);
});

test('services table', () => {
  const cases: Array<[Record<string, unknown>, Record<string, unknown> | undefined, unknown[]]> = [
    [{ type: 'ClusterIP', clusterIP: '10.43.0.1', ports: [{ port: 443, protocol: 'TCP' }] }, undefined, ['kubernetes', 'ClusterIP', '10.43.0.1', '<none>', '443/TCP', '45s', '<none>']],
    [{ type: 'NodePort', clusterIP: '10.43.0.9', selector: { app: 'web', tier: 'fe' }, ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }, undefined, ['kubernetes', 'NodePort', '10.43.0.9', '<none>', '80:30080/TCP,53/UDP', '45s', 'app=web,tier=fe']],
    [{ type: 'LoadBalancer', clusterIP: '10.43.0.2', ports: [] }, { loadBalancer: {} }, ['kubernetes', 'LoadBalancer', '10.43.0.2', '<pending>', '<none>', '45s', '<none>']],
    [{ type: 'LoadBalancer', clusterIP: '10.43.0.2', ports: [] }, { loadBalancer: { ingress: [{ ip: '192.0.2.1' }] } }, ['kubernetes', 'LoadBalancer', '10.43.0.2', '192.0.2.1', '<none>', '45s', '<none>']],
    [{ type: 'ExternalName', externalName: 'example.com' }, undefined, ['kubernetes', 'ExternalName', '<none>', 'example.com', '<none>', '45s', '<none>']],
  ];
  for (const [spec, status, want] of cases) assert.deepEqual(services.row({ metadata: meta('kubernetes'), spec, ...(status ? { status } : {}) }, ctx), want);
  assert.deepEqual(services.columns.map((c) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
});

test('namespace: label names, kubernetes finalizer, Active phase, name label', () => {
  const ns: KubeObject = { metadata: { name: 'team-a' }, status: { phase: 'Terminating' } };
  assert.deepEqual(create(namespaces, ns), []);
  assert.deepEqual(ns['spec'], { finalizers: ['kubernetes'] });
  assert.deepEqual(ns['status'], { phase: 'Active' });
  assert.deepEqual(ns.metadata?.labels, { 'kubernetes.io/metadata.name': 'team-a' });
  assert.match(lines(create(namespaces, { metadata: { name: 'a.b' } }))[0] ?? '', /^metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label/);
  const upd = structuredClone(ns);
  upd['spec'] = { finalizers: [] };
  update(namespaces, upd, ns);
  assert.deepEqual(upd['spec'], { finalizers: ['kubernetes'] });
  assert.deepEqual(namespaces.row({ metadata: { name: 'default', creationTimestamp: ago(3600 * 50) }, status: { phase: 'Active' } }, ctx), ['default', 'Active', '2d2h']);
});

test('secret: Opaque by default, stringData folded into data, typed keys required', () => {
  const s: KubeObject = { metadata: meta('creds'), stringData: { user: 'admin' }, data: { pw: 'c2VjcmV0' } };
  assert.deepEqual(create(secrets, s), []);
  assert.equal(s['type'], 'Opaque');
  assert.deepEqual(s['data'], { pw: 'c2VjcmV0', user: 'YWRtaW4=' });
  assert.equal(s['stringData'], undefined);
  assert.deepEqual(lines(create(secrets, { metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } })), ['data[tls.key]: Required value']);
  assert.deepEqual(lines(create(secrets, { metadata: meta('bad'), data: { 'a b': 'eA==' } })), [
    "data: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  assert.deepEqual(secrets.row(s, ctx), ['creds', 'Opaque', 2, '45s']);
  const immutableOld: KubeObject = { metadata: meta('frozen'), immutable: true, data: { a: 'eA==' }, type: 'Opaque' };
  assert.deepEqual(lines(update(secrets, { ...structuredClone(immutableOld), data: { a: 'eQ==' } }, immutableOld)), ['data: Forbidden: field is immutable when `immutable` is set']);
});

test('configmap, serviceaccount, endpoints and event rows', () => {
  assert.deepEqual(configmaps.row({ metadata: meta('cfg'), data: { a: '1', b: '2' }, binaryData: { c: 'eA==' } }, ctx), ['cfg', 3, '45s']);
  assert.deepEqual(serviceaccounts.row({ metadata: meta('default') }, ctx), ['default', 0, '45s']);
  const ep: KubeObject = { metadata: meta('web'), subsets: [{ addresses: [{ ip: '10.42.0.1' }, { ip: '10.42.0.2' }], ports: [{ port: 80 }, { port: 443 }] }] };
  assert.deepEqual(endpoints.row(ep, ctx), ['web', '10.42.0.1:80,10.42.0.2:80,10.42.0.1:443 + 1 more...', '45s']);
  assert.deepEqual(endpoints.row({ metadata: meta('none') }, ctx), ['none', '<none>', '45s']);
  assert.deepEqual(endpoints.row({ metadata: meta('empty'), subsets: [{ notReadyAddresses: [{ ip: '10.42.0.9' }] }] }, ctx), ['empty', '', '45s']);
  assert.deepEqual(endpoints.row({ metadata: meta('headless'), subsets: [{ addresses: [{ ip: 'fd00::1' }] }] }, ctx), ['headless', 'fd00::1', '45s']);
  assert.deepEqual(endpoints.row({ metadata: meta('v6'), subsets: [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }] }, ctx), ['v6', '[fd00::1]:80', '45s']);
  const ev: KubeObject = {
    metadata: meta('web.17'), involvedObject: { kind: 'Pod', name: 'web', namespace: 'default', fieldPath: 'spec.containers{c}' },
    reason: 'Pulled', message: 'Successfully pulled image ', type: 'Normal', source: { component: 'kubelet', host: 'node1' },
    firstTimestamp: ago(300), lastTimestamp: ago(20), count: 3,
  };
  assert.deepEqual(events.row(ev, ctx), ['20s', 'Normal', 'Pulled', 'pod/web', 'spec.containers{c}', 'kubelet, node1', 'Successfully pulled image', '5m', 3, 'web.17']);
  assert.deepEqual(events.columns.filter((c) => c.priority === 0).map((c) => c.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
  assert.deepEqual(create(events, structuredClone(ev)), []);
});

test('nodes table: status, roles, addresses', () => {
  const node: KubeObject = {
    metadata: { name: 'node1', creationTimestamp: ago(86400 * 3), labels: { 'node-role.kubernetes.io/control-plane': '', 'node-role.kubernetes.io/master': '' } },
    spec: { unschedulable: true },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '192.168.1.5' }, { type: 'Hostname', address: 'node1' }],
      nodeInfo: { kubeletVersion: 'v1.32.0-skiff', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'skiff://0.1.0' },
    },
  };
  assert.deepEqual(nodes.row(node, ctx), ['node1', 'Ready,SchedulingDisabled', 'control-plane,master', '3d', 'v1.32.0-skiff', '192.168.1.5', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.1.0', 'skiff://0.1.0']);
  assert.deepEqual(nodes.row({ metadata: { name: 'n2' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }, ctx).slice(1, 3), ['NotReady', '<none>']);
  assert.deepEqual(nodes.row({ metadata: { name: 'n3' } }, ctx)[1], 'Unknown');
  // The agent registers its node with status, which must survive create; allocatable defaults to capacity.
  const withStatus: KubeObject = { metadata: { name: 'n4' }, status: { capacity: { cpu: '2' } } };
  assert.deepEqual(create(nodes, withStatus), []);
  assert.deepEqual(withStatus['status'], { capacity: { cpu: '2' }, allocatable: { cpu: '2' } });
});

test('persistent volumes and claims: defaults, validation, rows', () => {
  const pv: KubeObject = { metadata: { name: 'pv1', creationTimestamp: ago(60) }, spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce'], hostPath: { path: '/data' }, claimRef: { namespace: 'default', name: 'data' }, storageClassName: 'local' } };
  assert.deepEqual(create(persistentvolumes, pv), []);
  assert.equal((pv['spec'] as Record<string, unknown>)['persistentVolumeReclaimPolicy'], 'Retain');
  assert.deepEqual(pv['status'], { phase: 'Pending' });
  assert.deepEqual(persistentvolumes.row(pv, ctx), ['pv1', '10Gi', 'RWO,RWX', 'Retain', 'Pending', 'default/data', 'local', '<unset>', '', '60s', 'Filesystem']);
  assert.deepEqual(lines(create(persistentvolumes, { metadata: { name: 'pv2' }, spec: {} })), ['spec.accessModes: Required value', 'spec.capacity: Required value', 'spec: Required value: must specify a volume type']);
  const pvc: KubeObject = { metadata: meta('data'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  assert.deepEqual(create(persistentvolumeclaims, pvc), []);
  assert.deepEqual(persistentvolumeclaims.row(pvc, ctx), ['data', 'Pending', '', '', '', '', '<unset>', '45s', 'Filesystem']);
  assert.deepEqual(lines(create(persistentvolumeclaims, { metadata: meta('x'), spec: {} })), ['spec.accessModes: Required value: at least 1 access mode is required', 'spec.resources[storage]: Required value']);
  const bound = structuredClone(pvc);
  (bound['spec'] as Record<string, unknown>)['volumeName'] = 'pv1';
  assert.deepEqual(update(persistentvolumeclaims, bound, pvc), []);
  const modes = structuredClone(bound);
  (modes['spec'] as Record<string, unknown>)['accessModes'] = ['ReadWriteMany'];
  assert.deepEqual(lines(update(persistentvolumeclaims, modes, bound)), ['spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims']);
});
