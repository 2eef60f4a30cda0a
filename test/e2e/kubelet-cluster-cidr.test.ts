/**
 * A cluster CIDR other than k3s' 10.42.0.0/16 (`skiff server --cluster-cidr`): the node gets
 * a /24 of it, pods get addresses in it and route it (and the Service CIDR, not the default
 * route) through their node, the node refuses what no pod has, and the cluster DNS answers
 * pods through its ClusterIP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNodeServer } from './kubelet-fixture.js';

test('--cluster-cidr 10.100.0.0/16: pod addresses, pod routes, the node\'s refusal route and cluster DNS follow it', async (t) => {
  const s = await startNodeServer({ serverArgs: ['--cluster-cidr', '10.100.0.0/16'] });
  t.after(() => s.stop());
  const applied = await s.kubectl(['run', 'probe', '--image', 'busybox', '--image-pull-policy', 'Never', '--restart', 'Never', '--', 'sleep', '300']);
  assert.equal(applied.code, 0, applied.stderr);
  const ip = await s.waitFor('the pod Running with an IP', async () => {
    const r = await s.kubectl(['get', 'pod', 'probe', '-o', 'jsonpath={.status.phase} {.status.podIP}']);
    const [phase, podIP] = r.stdout.split(' ');
    return phase === 'Running' && podIP ? podIP : undefined;
  });
  assert.match(ip, /^10\.100\.\d+\.\d+$/);
  const gateway = ip.replace(/\.\d+$/, '.1');

  const routes = await s.kubectl(['exec', 'probe', '--', 'ip', 'route']);
  assert.equal(routes.code, 0, routes.stderr);
  assert.match(routes.stdout, new RegExp(`^10\\.100\\.0\\.0/16 via ${gateway.replace(/\./g, '\\.')}`, 'm'));
  assert.match(routes.stdout, /^10\.43\.0\.0\/16 via /m);
  assert.doesNotMatch(routes.stdout, /^default/m, 'no route off the cluster');
  assert.doesNotMatch(routes.stdout, /10\.42\./, 'nothing of the default cluster CIDR');

  const node = await s.inNetns('ip', ['route', 'show', 'type', 'unreachable']);
  assert.match(node.stdout, /^unreachable 10\.100\.0\.0\/16/m);

  const dns = await s.waitFor('cluster DNS answering the pod', async () => {
    const r = await s.kubectl(['exec', 'probe', '--', 'nslookup', 'kubernetes.default.svc.cluster.local']);
    return r.code === 0 ? r.stdout : undefined;
  });
  assert.match(dns, /10\.43\.0\.1\b/);
});
