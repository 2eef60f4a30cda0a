/**
 * The scheduler's own hot path without the API: the same 5000 nodes and 1000 + 10000
 * pod-default pods as bench/scheduler.ts, scheduled by the default profile against the
 * scheduler cache (filter, score, select, assume) in this process. It bounds what the
 * scheduling cycle can do; bench/scheduler.ts shows what the whole system does.
 */
import { SchedulingAlgorithm } from '../src/scheduler/algorithm.js';
import { SchedulerCache } from '../src/scheduler/cache/cache.js';
import { resolveProfiles } from '../src/scheduler/config/config.js';
import type { Pod } from '../src/scheduler/framework/api.js';
import { PodInfo } from '../src/scheduler/framework/node-info.js';
import { Framework, pluginImplements } from '../src/scheduler/framework/runtime.js';
import { CycleState, type Handle } from '../src/scheduler/framework/types.js';
import { inTreeRegistry } from '../src/scheduler/plugins/registry.js';
import { round } from './_lib.js';

export function measureCycle(nodes: number, initPods: number, pods: number): { podsPerSecond: number; perPodUs: number } {
  const cache = new SchedulerCache();
  for (let i = 0; i < nodes; i++) {
    const name = `node-${i}`;
    cache.setNode({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, status: { allocatable: { cpu: '4', memory: '32Gi', pods: '110' } } });
  }
  const handle: Handle = { snapshot: () => cache, bindPod: async () => undefined, runFilterPlugins: (s, p, n) => fwk.runFilters(s, p, n), preempt: async () => undefined };
  const [profile] = resolveProfiles({}, (n, point) => { const f = inTreeRegistry.get(n); return f ? pluginImplements(f(undefined, handle), point) : false; });
  const fwk: Framework = new Framework(profile as NonNullable<typeof profile>, inTreeRegistry, handle);
  const algorithm = new SchedulingAlgorithm();
  const pod = (name: string): Pod => ({ metadata: { name, namespace: 'default', uid: name }, spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '100m', memory: '500Mi' } } }] } });
  const scheduleAll = (prefix: string, n: number): number => {
    const t = performance.now();
    for (let i = 0; i < n; i++) {
      const info = new PodInfo(pod(`${prefix}-${i}`));
      const out = algorithm.schedule(fwk, cache, info, new CycleState());
      if (!out.ok) throw new Error(`pod ${i} did not fit`);
      cache.assume(info, out.nodeName);
    }
    return performance.now() - t;
  };
  scheduleAll('init', initPods);
  const ms = scheduleAll('pod', pods);
  return { podsPerSecond: (pods * 1000) / ms, perPodUs: (ms * 1000) / pods };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = measureCycle(Number(process.env.BENCH_NODES ?? 5000), Number(process.env.BENCH_INIT_PODS ?? 1000), Number(process.env.BENCH_PODS ?? 10000));
  console.log(`scheduling cycle alone: ${round(r.podsPerSecond, 0)} pods/s (${round(r.perPodUs, 0)} µs per pod)`);
  console.log(JSON.stringify({ bench: 'scheduler-cycle', cycle_pods_per_s: round(r.podsPerSecond, 0), cycle_us_per_pod: round(r.perPodUs, 0) }));
}
