import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../types.js';
import { ago, create, ctx, lines, update } from '../testing.js';
import { pods } from './pod.js';
import { podQOSClass } from './pod-qos.js';
import { defaultPodTemplate, defaultPullPolicy } from './pod-spec-defaults.js';

function pod(spec: Record<string, unknown>, meta: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default', ...meta }, spec };
}

test('image pull policy defaults by tag', () => {
  const cases: Array<[string, string]> = [
    ['nginx', 'Always'], ['nginx:latest', 'Always'], ['nginx:1.27', 'IfNotPresent'], ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:v2', 'IfNotPresent'], ['busybox@sha256:abcd', 'IfNotPresent'],
  ];
  for (const [image, want] of cases) assert.equal(defaultPullPolicy(image), want, image);
});

test('pod defaults and initial status as upstream applies them', () => {
  // (No token volume: the ServiceAccount admission step is tested on its own below.)
  const p = pod({ automountServiceAccountToken: false, containers: [{ name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1', memory: '1Gi' } } }] });
  p['status'] = { phase: 'Running' };
  assert.deepEqual(create(pods, p), []);
  assert.deepEqual(p['spec'], {
    containers: [{
      name: 'c', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }],
      resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } },
      imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
    }],
    dnsPolicy: 'ClusterFirst', restartPolicy: 'Always', terminationGracePeriodSeconds: 30, securityContext: {},
    schedulerName: 'default-scheduler', enableServiceLinks: true, priority: 0, preemptionPolicy: 'PreemptLowerPriority',
    automountServiceAccountToken: false, serviceAccountName: 'default', serviceAccount: 'default',
    // DefaultTolerationSeconds admission
    tolerations: [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 },
    ],
  });
  // A client cannot create a pod that claims to be running.
  assert.deepEqual(p['status'], { phase: 'Pending', qosClass: 'Guaranteed' });
});

test('QoS class from cpu and memory requests and limits', () => {
  const cases: Array<[unknown[], string]> = [
    [[{ name: 'a' }], 'BestEffort'],
    [[{ name: 'a', resources: { requests: { 'ephemeral-storage': '1Gi' } } }], 'BestEffort'],
    [[{ name: 'a', resources: { requests: { cpu: '100m' } } }], 'Burstable'],
    [[{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }], 'Guaranteed'],
    [[{ name: 'a', resources: { requests: { cpu: '1000m', memory: '1Gi' }, limits: { cpu: '1', memory: '1024Mi' } } }], 'Guaranteed'],
    [[{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }, { name: 'b' }], 'Burstable'],
  ];
  for (const [containers, want] of cases) assert.equal(podQOSClass({ containers }), want, JSON.stringify(containers));
});

test('probe, volume and env defaults', () => {
  const p = pod({
    automountServiceAccountToken: false,
    volumes: [{ name: 'cfg', configMap: { name: 'x' } }, { name: 'scratch' }],
    containers: [{
      name: 'c', image: 'app', volumeMounts: [{ name: 'cfg', mountPath: '/etc/x' }],
      livenessProbe: { httpGet: { port: 8080 } },
      env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
    }],
  });
  assert.deepEqual(create(pods, p), []);
  const spec = p['spec'] as { volumes: unknown[]; containers: Array<Record<string, unknown>> };
  assert.deepEqual(spec.volumes, [{ name: 'cfg', configMap: { name: 'x', defaultMode: 420 } }, { name: 'scratch', emptyDir: {} }]);
  assert.deepEqual(spec.containers[0]?.['livenessProbe'], { httpGet: { port: 8080, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(spec.containers[0]?.['env'], [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } }]);
});

test('ServiceAccount admission: the kube-api-access volume in every container, unless opted out or mounted already', () => {
  const p = pod({ serviceAccountName: 'robot', initContainers: [{ name: 'i', image: 'app' }], containers: [{ name: 'c', image: 'app' }, { name: 'own', image: 'app', volumeMounts: [{ name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] }], volumes: [{ name: 'mine', emptyDir: {} }] });
  assert.deepEqual(create(pods, p), []);
  const spec = p['spec'] as { serviceAccount: string; volumes: Array<{ name: string; projected?: unknown }>; initContainers: Array<{ volumeMounts?: unknown[] }>; containers: Array<{ volumeMounts?: unknown[] }> };
  assert.equal(spec.serviceAccount, 'robot');
  const volume = spec.volumes[1];
  assert.match(volume?.name ?? '', /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.deepEqual(volume?.projected, {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  });
  const mount = { name: volume?.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' };
  assert.deepEqual(spec.initContainers[0]?.volumeMounts, [mount]);
  assert.deepEqual(spec.containers[0]?.volumeMounts, [mount]);
  assert.equal(spec.containers[1]?.volumeMounts?.length, 1, 'a container with its own mount there keeps it');
  const optedOut = pod({ automountServiceAccountToken: false, containers: [{ name: 'c', image: 'app' }] });
  assert.deepEqual(create(pods, optedOut), []);
  assert.equal((optedOut['spec'] as { volumes?: unknown[] }).volumes, undefined);
});

test('host-network ports and zero probe fields are defaulted on pods only', () => {
  const spec = { hostNetwork: true, containers: [{ name: 'c', image: 'app', ports: [{ containerPort: 8080 }], readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 0 } }] };
  const p = pod(structuredClone(spec));
  assert.deepEqual(create(pods, p), []);
  const c = (p['spec'] as { containers: Array<Record<string, unknown>> }).containers[0];
  assert.deepEqual(c?.['ports'], [{ containerPort: 8080, protocol: 'TCP', hostPort: 8080 }]);
  assert.equal((c?.['readinessProbe'] as Record<string, unknown>)['periodSeconds'], 10);
  const template = { spec: structuredClone(spec) };
  defaultPodTemplate(template);
  assert.deepEqual((template.spec.containers[0] as Record<string, unknown>)['ports'], [{ containerPort: 8080, protocol: 'TCP' }]);
});

test('pod validation messages', () => {
  const cases: Array<[KubeObject, string[]]> = [
    [pod({}), ['spec.containers: Required value']],
    [pod({ containers: [{ name: 'c' }] }), ['spec.containers[0].image: Required value']],
    [pod({ containers: [{ image: 'x' }] }), ['spec.containers[0].name: Required value']],
    [pod({ containers: [{ name: 'a', image: 'x' }, { name: 'a', image: 'y' }] }), ['spec.containers[1].name: Duplicate value: "a"']],
    [pod({ restartPolicy: 'Sometimes', containers: [{ name: 'a', image: 'x' }] }), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"']],
    [pod({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 70000 }] }] }), ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    [pod({ containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 80, protocol: 'tcp' }] }] }), ['spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"']],
    [pod({ containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'v', mountPath: '/v' }] }] }), ['spec.containers[0].volumeMounts[0].name: Not found: "v"']],
    [pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1500m' } } }] }), ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1500m']],
    [pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { memory: '1Gi' }, limits: { memory: '2048Mi' } } }] }), []],
    [pod({ containers: [{ name: 'a', image: 'x', resources: { limits: { memory: 'lots' } } }] }), [
      "spec.containers[0].resources.limits[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      // Requests default to limits on pods, so the bad value is reported there too.
      "spec.containers[0].resources.requests[memory]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    ]],
    [pod({ containers: [{ name: 'a', image: 'x', env: [{ name: 'A=B' }] }] }), ["spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='"]],
    [pod({ containers: [{ name: 'a', image: 'x', ports: [{ name: 'http_port', containerPort: 80 }] }] }), ['spec.containers[0].ports[0].name: Invalid value: "http_port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']],
    [pod({ volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }], containers: [{ name: 'a', image: 'x' }] }), ['spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type']],
    [pod({ tolerations: [{ key: 'k', operator: 'Maybe', effect: 'NoWay' }], containers: [{ name: 'a', image: 'x' }] }), [
      'spec.tolerations[0].operator: Unsupported value: "Maybe": supported values: "Equal", "Exists"',
      'spec.tolerations[0].effect: Unsupported value: "NoWay": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    ]],
    [pod({ securityContext: { seccompProfile: { type: 'Localhost' } }, containers: [{ name: 'a', image: 'x', securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: '../../etc/x.json' } } }] }), [
      'spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid value: "../../etc/x.json": must not contain \'..\'',
      'spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost',
    ]],
    [pod({ containers: [{ name: 'a', image: 'x', securityContext: { seccompProfile: { type: 'RuntimeDefault', localhostProfile: 'p.json' } } }] }), [
      'spec.containers[0].securityContext.seccompProfile.localhostProfile: Invalid value: "p.json": can only be set when seccomp type is Localhost',
    ]],
    [pod({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/audit.json' } }, containers: [{ name: 'a', image: 'x' }] }), []],
    [pod({ containers: [{ name: 'a', image: 'x' }] }, { name: 'Web' }), [
      "metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]],
  ];
  for (const [obj, want] of cases) assert.deepEqual(lines(create(pods, obj)), want);
});

test('pod updates: only images and a few fields may change; status is kept', () => {
  const old = pod({ containers: [{ name: 'a', image: 'x:1' }] });
  create(pods, old);
  (old['status'] as Record<string, unknown>)['phase'] = 'Running';
  const imageChange = structuredClone(old);
  ((imageChange['spec'] as { containers: Array<Record<string, unknown>> }).containers[0] as Record<string, unknown>)['image'] = 'x:2';
  imageChange['status'] = { phase: 'Failed' };
  assert.deepEqual(update(pods, imageChange, old), []);
  assert.deepEqual(imageChange['status'], old['status']);
  const portChange = structuredClone(old);
  ((portChange['spec'] as { containers: Array<Record<string, unknown>> }).containers[0] as Record<string, unknown>)['ports'] = [{ containerPort: 1 }];
  assert.match(lines(update(pods, portChange, old))[0] ?? '', /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  const renamed = structuredClone(old);
  (renamed.metadata ?? {}).name = 'other';
  assert.deepEqual(lines(update(pods, renamed, old)), ['metadata.name: Invalid value: "other": field is immutable']);
});

interface StatusCase { name: string; pod: KubeObject; ready: string; status: string; restarts: string }

const running = (name: string, ready = true, restartCount = 0, last?: string): Record<string, unknown> => ({
  name, ready, restartCount, state: { running: { startedAt: ago(600) } },
  ...(last ? { lastState: { terminated: { exitCode: 1, finishedAt: last } } } : {}),
});

function withStatus(status: Record<string, unknown>, extra: Partial<KubeObject> = {}, spec?: Record<string, unknown>): KubeObject {
  return { metadata: { name: 'p', creationTimestamp: ago(200), ...(extra.metadata ?? {}) }, spec: spec ?? { containers: [{ name: 'a' }, { name: 'b' }] }, status };
}

test('pods table: READY, STATUS and RESTARTS as upstream computes them', () => {
  const cases: StatusCase[] = [
    { name: 'pending, nothing reported', pod: withStatus({ phase: 'Pending' }), ready: '0/2', status: 'Pending', restarts: '0' },
    { name: 'all running', pod: withStatus({ phase: 'Running', containerStatuses: [running('a'), running('b')] }), ready: '2/2', status: 'Running', restarts: '0' },
    { name: 'image pull back-off wins', pod: withStatus({ phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }, running('b')] }), ready: '1/2', status: 'ImagePullBackOff', restarts: '0' },
    { name: 'crash loop with restarts and age of last one', pod: withStatus({ phase: 'Running', containerStatuses: [{ name: 'a', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(75) } } }, running('b')] }), ready: '1/2', status: 'CrashLoopBackOff', restarts: '4 (75s ago)' },
    { name: 'completed', pod: withStatus({ phase: 'Succeeded', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, {}, { containers: [{ name: 'a' }] }), ready: '0/1', status: 'Completed', restarts: '0' },
    { name: 'exit code without reason', pod: withStatus({ phase: 'Failed', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } }] }, {}, { containers: [{ name: 'a' }] }), ready: '0/1', status: 'ExitCode:3', restarts: '0' },
    { name: 'signal without reason', pod: withStatus({ phase: 'Failed', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }] }, {}, { containers: [{ name: 'a' }] }), ready: '0/1', status: 'Signal:9', restarts: '0' },
    { name: 'completed sidecar-like container but another still running', pod: withStatus({ phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running('b')] }), ready: '1/2', status: 'NotReady', restarts: '0' },
    { name: 'init container progress', pod: withStatus({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { terminated: { exitCode: 0 } } }, { name: 'i2', restartCount: 0, state: { running: {} } }] }, {}, { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'a' }] }), ready: '0/1', status: 'Init:1/2', restarts: '0' },
    { name: 'init container failing', pod: withStatus({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(30) } } }] }, {}, { initContainers: [{ name: 'i1' }], containers: [{ name: 'a' }] }), ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '2 (30s ago)' },
    { name: 'init container exit code', pod: withStatus({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { terminated: { exitCode: 2 } } }] }, {}, { initContainers: [{ name: 'i1' }], containers: [{ name: 'a' }] }), ready: '0/1', status: 'Init:ExitCode:2', restarts: '0' },
    { name: 'sidecar counts toward total and ready', pod: withStatus({ phase: 'Running', conditions: [{ type: 'Initialized', status: 'True' }], initContainerStatuses: [{ name: 's', restartCount: 1, started: true, ready: true, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(300) } } }], containerStatuses: [running('a')] }, {}, { initContainers: [{ name: 's', restartPolicy: 'Always' }], containers: [{ name: 'a' }] }), ready: '2/2', status: 'Running', restarts: '1 (5m ago)' },
    { name: 'terminating', pod: withStatus({ phase: 'Running', containerStatuses: [running('a'), running('b')] }, { metadata: { name: 'p', deletionTimestamp: ago(1) } }), ready: '2/2', status: 'Terminating', restarts: '0' },
    { name: 'terminal pod being deleted keeps its phase', pod: withStatus({ phase: 'Succeeded' }, { metadata: { name: 'p', deletionTimestamp: ago(1) } }), ready: '0/2', status: 'Succeeded', restarts: '0' },
    { name: 'node lost', pod: withStatus({ phase: 'Running', reason: 'NodeLost' }, { metadata: { name: 'p', deletionTimestamp: ago(1) } }), ready: '0/2', status: 'Unknown', restarts: '0' },
    { name: 'evicted reason', pod: withStatus({ phase: 'Failed', reason: 'Evicted' }), ready: '0/2', status: 'Evicted', restarts: '0' },
    { name: 'scheduling gated', pod: withStatus({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), ready: '0/2', status: 'SchedulingGated', restarts: '0' },
  ];
  for (const c of cases) {
    const row = pods.row(c.pod, ctx);
    assert.deepEqual(row.slice(1, 4), [c.ready, c.status, c.restarts], c.name);
    assert.equal(row[0], 'p');
  }
});

test('pods table: columns and wide cells', () => {
  assert.deepEqual(pods.columns.map((c) => [c.name, c.priority]), [
    ['Name', 0], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0], ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
  ]);
  const p = withStatus({ phase: 'Running', podIPs: [{ ip: '10.42.0.7' }], conditions: [{ type: 'example.com/gate', status: 'True' }] }, {}, { nodeName: 'node1', readinessGates: [{ conditionType: 'example.com/gate' }, { conditionType: 'other' }], containers: [{ name: 'a' }] });
  assert.deepEqual(pods.row(p, ctx), ['p', '0/1', 'Running', '0', '3m20s', '10.42.0.7', 'node1', '<none>', '1/2']);
  assert.deepEqual(pods.row(withStatus({}), ctx).slice(5), ['<none>', '<none>', '<none>', '<none>']);
});
