/**
 * The registry entries of metrics.k8s.io/v1beta1: `nodes` (NodeMetrics, cluster-scoped) and
 * `pods` (PodMetrics), read-only (get, list) as metrics-server serves them. With these in the
 * catalog, discovery advertises the group, which `kubectl top` requires.
 */
import type { KubeObject, ResourceType, StrategyContext } from '../api/types.js';
import { column, nameColumn, nameOf } from '../api/meta/columns.js';
import { defineResource } from '../api/meta/define.js';
import { makeStrategy } from '../api/meta/strategy.js';
import { METRICS_GROUP, METRICS_VERSION } from './metrics-api.js';

const readOnly = ['get', 'list'];
const cpuColumn = column('CPU', 'CPU usage of the object, in cores.');
const memoryColumn = column('Memory', 'Memory working set of the object.');
const windowColumn = column('Window', 'The time window the usage was measured over.');

type Usage = { cpu?: string; memory?: string } | undefined;

/** CPU in millicores (as kubectl top shows it), memory as served (Ki). */
function usageCells(u: Usage): [string, string] {
  const nano = /^(\d+)n$/.exec(u?.cpu ?? '');
  return [nano ? `${Math.round(Number(nano[1]) / 1e6)}m` : u?.cpu ?? '', u?.memory ?? ''];
}

/** Sum of the containers' usage, in nanocores and Ki as served (the pod's own figure). */
function podUsage(obj: KubeObject): Usage {
  const containers = (obj['containers'] ?? []) as Array<{ usage?: Usage }>;
  let cpu = 0;
  let mem = 0;
  for (const c of containers) {
    cpu += Number.parseInt(c.usage?.cpu ?? '0', 10);
    mem += Number.parseInt(c.usage?.memory ?? '0', 10);
  }
  return { cpu: `${cpu}n`, memory: `${mem}Ki` };
}

export const nodeMetricsType: ResourceType = defineResource({
  group: METRICS_GROUP, version: METRICS_VERSION, kind: 'NodeMetrics', plural: 'nodes', namespaced: false, verbs: readOnly,
  schemaName: 'io.k8s.metrics.pkg.apis.metrics.v1beta1.NodeMetrics',
  strategy: makeStrategy({}),
  columns: [nameColumn, cpuColumn, memoryColumn, windowColumn],
  row: (obj: KubeObject, _ctx: StrategyContext) => [nameOf(obj), ...usageCells(obj['usage'] as Usage), String(obj['window'] ?? '')],
});

export const podMetricsType: ResourceType = defineResource({
  group: METRICS_GROUP, version: METRICS_VERSION, kind: 'PodMetrics', plural: 'pods', namespaced: true, verbs: readOnly,
  schemaName: 'io.k8s.metrics.pkg.apis.metrics.v1beta1.PodMetrics',
  strategy: makeStrategy({}),
  columns: [nameColumn, cpuColumn, memoryColumn, windowColumn],
  row: (obj: KubeObject, _ctx: StrategyContext) => [nameOf(obj), ...usageCells(podUsage(obj)), String(obj['window'] ?? '')],
});

export const metricsResourceTypes: readonly ResourceType[] = [nodeMetricsType, podMetricsType];
