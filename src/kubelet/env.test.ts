import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerEnv, EnvConfigError, expandVars, type EnvSources } from './env.js';
import type { Pod } from './pod-types.js';

const sources: EnvSources = {
  configMap: async (_ns, name) => (name === 'cm' ? { color: 'blue', 'bad key': 'x', size: 'L' } : undefined),
  secret: async (_ns, name) => (name === 'sec' ? { password: 's3cret' } : undefined),
};
const machine = { cpus: 2, memoryBytes: 4 * 1024 ** 3 };

test('env: envFrom with prefix, values with $(VAR), fieldRef, resourceFieldRef, configMap and secret keys', async () => {
  const pod: Pod = {
    metadata: { name: 'web', namespace: 'ns1', uid: 'u1', labels: { app: 'x' } },
    spec: { nodeName: 'n1', containers: [{
      name: 'c', resources: { limits: { memory: '64Mi' } },
      envFrom: [{ configMapRef: { name: 'cm' }, prefix: 'CM_' }],
      env: [
        { name: 'GREETING', value: 'hi $(CM_color) $$(CM_color) $(UNKNOWN)' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'SIZE', valueFrom: { configMapKeyRef: { name: 'cm', key: 'size' } } },
        { name: 'PASS', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
        { name: 'OPT', valueFrom: { secretKeyRef: { name: 'nope', key: 'k', optional: true } } },
      ],
    }] },
  };
  const env = await containerEnv(pod, pod.spec.containers[0]!, { podIP: '10.42.0.9', hostIP: '1.1.1.1', nodeName: 'n1' }, sources, machine);
  assert.deepEqual(env, [
    'CM_color=blue', 'CM_size=L', 'GREETING=hi blue $(CM_color) $(UNKNOWN)', 'POD=web', 'APP=x', 'IP=10.42.0.9', 'MEM_MI=64', 'CPU=2', 'SIZE=L', 'PASS=s3cret',
  ]);
});

test('env: a missing non-optional reference is a config error', async () => {
  const pod: Pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cm', key: 'missing' } } }] }] } };
  await assert.rejects(containerEnv(pod, pod.spec.containers[0]!, { nodeName: 'n' }, sources, machine), (err: unknown) => err instanceof EnvConfigError && /couldn't find key missing/.test(err.message));
  assert.equal(expandVars('$(A)-$$', new Map([['A', '1']])), '1-$');
});
