/**
 * Where the HPA gets each pod's usage: the metrics API (metrics.k8s.io PodMetrics, real
 * figures from the node agents' cgroups) when the cluster serves it and has a figure for the
 * pod; else the pod's simulated-usage annotation (hollow nodes and tests, whose pods have
 * no cgroups). The choice is per pod, so real and simulated nodes can share one cluster.
 */
import { StatusError, type RestClient } from '../../client/index.js';
import type { Pod } from '../base/objects.js';
import { amount, simulatedUsageAnnotation } from './metrics.js';

interface PodMetrics { metadata: { name: string }; containers?: Array<{ usage?: Record<string, string> }> }

/** How long a 404/503 from the metrics API is believed before asking again. */
const recheckMs = 60_000;

export class PodMetricsSource {
  /** Undefined until asked; false after the API answered 404/503 (re-checked after recheckMs). */
  private served: boolean | undefined;
  private checkedAt = 0;

  constructor(private readonly rest: RestClient, private readonly now: () => number) {}

  /** Usage per pod name for the pods given (absent: no figure for that pod). cpu in millicores, else base units. */
  async usage(namespace: string, pods: readonly Pod[], resource: string): Promise<Map<string, number>> {
    const out = await this.fromMetricsApi(namespace, pods, resource);
    for (const p of pods) {
      const name = p.metadata.name ?? '';
      if (out.has(name)) continue;
      const simulated = amount(resource, p.metadata.annotations?.[simulatedUsageAnnotation(resource)]);
      if (simulated !== undefined) out.set(name, simulated);
    }
    return out;
  }

  private async fromMetricsApi(namespace: string, pods: readonly Pod[], resource: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (this.served === false && this.now() - this.checkedAt <= recheckMs) return out;
    try {
      const list = await this.rest.get<{ items: PodMetrics[] }>(`/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`);
      this.served = true;
      const names = new Set(pods.map((p) => p.metadata.name));
      for (const m of list.items) {
        if (!names.has(m.metadata.name)) continue;
        out.set(m.metadata.name, (m.containers ?? []).reduce((n, c) => n + (amount(resource, c.usage?.[resource]) ?? 0), 0));
      }
    } catch (err: unknown) {
      if (!(err instanceof StatusError && (err.code === 404 || err.code === 503))) throw err;
      this.served = false;
      this.checkedAt = this.now();
    }
    return out;
  }
}
