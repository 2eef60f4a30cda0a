import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeConfig, portmapConfig, resultAddress } from './cni.js';
import { containerCreateOptions, engineContainerName } from './container-config.js';
import { effectivePullPolicy } from './images.js';
import type { Pod } from './pod-types.js';

test('CNI: the bridge never turns on forwarding or masquerade; host-local hands out the node /24', () => {
  const c = bridgeConfig('10.42.7.0/24', '/state/ipam', '10.42.0.0/16') as { isGateway: boolean; ipMasq: boolean; ipam: { ranges: Array<Array<{ subnet: string; gateway: string }>>; dataDir: string } };
  assert.equal(c.isGateway, false);
  assert.equal(c.ipMasq, false);
  assert.deepEqual(c.ipam.ranges, [[{ subnet: '10.42.7.0/24', gateway: '10.42.7.1' }]]);
  const pm = portmapConfig([{ hostPort: 8080, containerPort: 80, protocol: 'TCP' }], {}) as { runtimeConfig: { portMappings: unknown[] }; snat: boolean };
  assert.deepEqual(pm.runtimeConfig.portMappings, [{ hostPort: 8080, containerPort: 80, protocol: 'tcp' }]);
  assert.equal(resultAddress({ ips: [{ address: '10.42.7.3/24' }] }), '10.42.7.3');
});

test('pull policy defaults as upstream: Always for latest or no tag, IfNotPresent otherwise', () => {
  assert.equal(effectivePullPolicy({ name: 'c', image: 'busybox' }), 'Always');
  assert.equal(effectivePullPolicy({ name: 'c', image: 'localhost:5000/busybox:latest' }), 'Always');
  assert.equal(effectivePullPolicy({ name: 'c', image: 'localhost:5000/busybox' }), 'Always');
  assert.equal(effectivePullPolicy({ name: 'c', image: 'nginx:1.14.2' }), 'IfNotPresent');
  assert.equal(effectivePullPolicy({ name: 'c', image: 'nginx@sha256:abc' }), 'IfNotPresent');
  assert.equal(effectivePullPolicy({ name: 'c', image: 'nginx:1.14.2', imagePullPolicy: 'Never' }), 'Never');
});

test('container options: command replaces the entrypoint, args the cmd, $(VAR) expanded; limits; netns; labels', () => {
  const pod: Pod = { metadata: { name: 'web', namespace: 'ns', uid: '0123456789abcdef' }, spec: { containers: [] } };
  const o = containerCreateOptions({
    pod, container: { name: 'c', command: ['sh', '-c'], args: ['echo $(GREETING)'], resources: { limits: { memory: '64Mi', cpu: '500m' } }, securityContext: { runAsUser: 1000, runAsGroup: 50 } },
    imageRef: 'busybox', env: ['GREETING=hi'], mounts: [], nodeMemoryBytes: 8 << 30, netnsPath: '/run/netns/skiff-x', attempt: 2, logPath: '/l/2.log',
  });
  assert.deepEqual(o.entrypoint, ['sh', '-c']);
  assert.deepEqual(o.cmd, ['echo hi']);
  assert.equal(o.memory, 64 * 1024 * 1024);
  assert.equal(o.cpus, 0.5);
  assert.equal(o.cpuShares, 512, 'the request (defaulted from the limit) as cpu.shares');
  assert.deepEqual(o.network, { kind: 'path', path: '/run/netns/skiff-x' });
  assert.equal(o.user, '1000:50');
  assert.equal(o.hostname, 'web');
  assert.equal(o.name, 'k8s_c_web_ns_01234567_2');
  assert.equal(o.labels?.['io.kubernetes.container.restartCount'], '2');
  const argsOnly = containerCreateOptions({ pod, container: { name: 'c', args: ['x'] }, imageRef: 'i', env: [], mounts: [], nodeMemoryBytes: 8 << 30, netnsPath: undefined, attempt: 0, logPath: '/l' });
  assert.equal(argsOnly.entrypoint, undefined);
  assert.deepEqual(argsOnly.cmd, ['x']);
  assert.deepEqual(argsOnly.network, { kind: 'host' });
  assert.equal(engineContainerName(pod, { name: 'c' }, 0), 'k8s_c_web_ns_01234567_0');
});
