/**
 * Node lifecycle with the real kubectl: a node whose heartbeats stop turns Unknown, is
 * tainted unreachable, and its pods are evicted by their tolerations. A short grace period
 * (test-only tuning) and a node no agent serves.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from './helpers/server.js';
import { controllersCluster } from './controllers-fixture.js';

const podYaml = (name: string, tolerationSeconds?: number | 'forever') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeName: ghost
${tolerationSeconds !== undefined ? `  tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute${tolerationSeconds === 'forever' ? '' : `, tolerationSeconds: ${tolerationSeconds}`}}]\n` : ''}  containers: [{name: c, image: busybox}]
`;

describe('node lifecycle with the real kubectl', { timeout: 120_000 }, () => {
  const { ok, run } = controllersCluster({ nodes: 0, env: { SKIFF_NODE_MONITOR_GRACE_SECONDS: '2', SKIFF_NODE_MONITOR_PERIOD_MS: '300', SKIFF_PODGC_PERIOD_MS: '300', SKIFF_TERMINATED_POD_GC_THRESHOLD: '1', SKIFF_DEFAULT_TOLERATION_SECONDS: '1' } });
  const gone = async (pod: string): Promise<boolean> => {
    const r = await run(['get', 'pod', pod, '-o', 'jsonpath={.metadata.deletionTimestamp}']);
    return r.code !== 0 || r.stdout.trim() !== '';
  };

  test('a silent node becomes Unknown and tainted; pods go by their tolerations', async () => {
    await ok(['apply', '-f', '-'], 'apiVersion: v1\nkind: Node\nmetadata: {name: ghost}\n');
    const heartbeat = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await ok(['patch', 'node', 'ghost', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: heartbeat, lastTransitionTime: heartbeat }] } })]);
    await ok(['apply', '-f', '-'], [podYaml('intolerant'), podYaml('patient', 3), podYaml('loyal', 'forever')].join('---\n'));
    // DefaultTolerationSeconds admission: bounded tolerations for pods without their own (1 s here).
    assert.equal(await ok(['get', 'pod', 'intolerant', '-o', 'jsonpath={range .spec.tolerations[*]}{.key}={.tolerationSeconds} {end}']), 'node.kubernetes.io/not-ready=1 node.kubernetes.io/unreachable=1 ');
    assert.equal(await ok(['get', 'pod', 'patient', '-o', 'jsonpath={range .spec.tolerations[*]}{.key}={.tolerationSeconds} {end}']), 'node.kubernetes.io/unreachable=3 node.kubernetes.io/not-ready=1 ');
    await eventually(async () => (await ok(['get', 'node', 'ghost', '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).trim() === 'Unknown', 20_000, 200);
    const node = JSON.parse(await ok(['get', 'node', 'ghost', '-o', 'json'])) as { spec: { taints?: Array<{ key: string; effect: string }> }; status: { conditions: Array<{ type: string; reason?: string }> } };
    assert.equal(node.status.conditions.find((c) => c.type === 'Ready')?.reason, 'NodeStatusUnknown');
    assert.deepEqual(node.spec.taints?.map((t) => `${t.key}:${t.effect}`).sort(), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
    // Pods on a node are deleted gracefully and no kubelet finishes it here: each keeps its
    // deletionTimestamp (= delete time + grace), which tells when it was evicted.
    await eventually(async () => (await gone('intolerant')) && (await gone('patient')), 20_000, 200);
    const taintedAt = Date.parse((node.spec.taints as Array<{ effect: string; timeAdded?: string }>).find((t) => t.effect === 'NoExecute')?.timeAdded ?? '');
    const evictedAt = async (name: string): Promise<number> => {
      const p = JSON.parse(await ok(['get', 'pod', name, '-o', 'json'])) as { metadata: { deletionTimestamp: string; deletionGracePeriodSeconds?: number } };
      return Date.parse(p.metadata.deletionTimestamp) - (p.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
    };
    assert.ok((await evictedAt('intolerant')) - taintedAt < 3000, 'evicted without waiting');
    assert.ok((await evictedAt('patient')) - taintedAt >= 2000, 'evicted after its 3 s (second resolution)');
    assert.equal(await gone('loyal'), false, 'tolerates forever');

    // The kubelet is back: Ready again, the taints go.
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    await ok(['patch', 'node', 'ghost', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }] } })]);
    await eventually(async () => (await ok(['get', 'node', 'ghost', '-o', 'jsonpath={.spec.taints}'])).trim() === '', 10_000, 200);
  });

  test('pod GC removes pods of vanished nodes and finished pods beyond the threshold', async () => {
    await ok(['apply', '-f', '-'], podYaml('stranded').replace('nodeName: ghost', 'nodeName: vanished'));
    await eventually(async () => (await run(['get', 'pod', 'stranded'])).code === 1, 15_000, 200);
    // Threshold 1 here: of two finished pods, the older goes.
    for (const name of ['done-old', 'done-new']) {
      // On the tainted ghost node, so tolerating it forever: only the GC may remove them.
      await ok(['apply', '-f', '-'], podYaml(name, 'forever'));
      await ok(['patch', 'pod', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Succeeded' } })]);
      await new Promise((r) => setTimeout(r, 1100));
    }
    await eventually(async () => (await run(['get', 'pod', 'done-old'])).code === 1, 15_000, 200);
    assert.equal((await run(['get', 'pod', 'done-new'])).code, 0);
  });
});
