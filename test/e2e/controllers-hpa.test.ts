/**
 * HorizontalPodAutoscaler with the real kubectl against `skiff server --simulate-nodes 2`,
 * on simulated metrics (a pod annotation) as the metrics API is not served; a short sync
 * period (test-only tuning).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventually } from './helpers/server.js';
import { controllersCluster } from './controllers-fixture.js';

const deployYaml = (usage: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: busy}
spec:
  replicas: 2
  selector: {matchLabels: {app: busy}}
  template:
    metadata:
      labels: {app: busy}
      annotations: {skiff.dev/simulated-usage-cpu: "${usage}"}
    spec:
      containers: [{name: c, image: busybox, resources: {requests: {cpu: 200m}}}]
`;

const hpaYaml = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: busy}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: busy}
  minReplicas: 1
  maxReplicas: 10
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
  behavior: {scaleDown: {stabilizationWindowSeconds: 0}}
`;

describe('HorizontalPodAutoscaler with the real kubectl', { timeout: 120_000 }, () => {
  const { ok } = controllersCluster({ nodes: 2, env: { SKIFF_HPA_SYNC_PERIOD_MS: '300' } });
  const replicas = async (): Promise<number> => Number((await ok(['get', 'deployment', 'busy', '-o', 'jsonpath={.spec.replicas}'])).trim());

  test('busy pods scale the Deployment up to maxReplicas, idle ones back to minReplicas', async () => {
    await ok(['apply', '-f', '-'], deployYaml('400m'));
    await ok(['rollout', 'status', 'deployment/busy', '--timeout=30s']);
    await ok(['apply', '-f', '-'], hpaYaml);
    await eventually(async () => (await replicas()) === 10, 30_000, 300);
    const hpa = JSON.parse(await ok(['get', 'hpa', 'busy', '-o', 'json'])) as { status: { currentMetrics?: Array<{ resource: { current: { averageUtilization?: number } } }>; conditions: Array<{ type: string; status: string; reason: string }> } };
    assert.equal(hpa.status.currentMetrics?.[0]?.resource.current.averageUtilization, 200);
    assert.equal(hpa.status.conditions.find((c) => c.type === 'ScalingActive')?.reason, 'ValidMetricFound');
    await eventually(async () => (await ok(['get', 'hpa', 'busy'])).includes('cpu: 200%/50%'), 10_000, 300);

    // Idle: 10m of 200m is 5%, far under target; the window is 0 s, so it scales down at once.
    await ok(['patch', 'deployment', 'busy', '--type=merge', '-p', JSON.stringify({ spec: { template: { metadata: { annotations: { 'skiff.dev/simulated-usage-cpu': '10m' } } } } })]);
    await eventually(async () => (await replicas()) === 1, 40_000, 300);
    await eventually(async () => {
      const h = JSON.parse(await ok(['get', 'hpa', 'busy', '-o', 'json'])) as { status: { desiredReplicas?: number; currentReplicas?: number; lastScaleTime?: string } };
      return h.status.desiredReplicas === 1 && h.status.currentReplicas === 1 && h.status.lastScaleTime !== undefined;
    }, 10_000, 300);
  });
});
